package server

import (
	"errors"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/foliopress/folio/issue"
)

// imageName is the only shape of file name served from images/: a
// slug-like stem and an image extension (issue.PhotoFile's names). No
// dots in the stem, no slashes, no encodings survive it.
var imageName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,199}\.(jpg|jpeg|png|webp|gif)$`)
})

// imageTypes maps an image extension to its Content-Type.
var imageTypes = map[string]string{
	".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
	".webp": "image/webp", ".gif": "image/gif",
}

// week reads the {week} path value. A week in another spelling
// ("2026-w10") is redirected to the folder's name; anything else is 404.
func (s *Server) week(w http.ResponseWriter, r *http.Request) (string, bool) {
	raw := r.PathValue("week")
	if canonicalWeek(raw) {
		return raw, true
	}
	wk, err := issue.ParseWeek(raw)
	if err != nil || strings.ContainsAny(raw, " \t\r\n/") {
		s.notFound(w)
		return "", false
	}
	rest := strings.TrimPrefix(r.URL.Path, "/issues/"+raw)
	target := strings.Repeat("../", strings.Count(rest, "/")) + wk.String() + rest
	if rest == "" {
		target += "/"
	}
	redirect(w, target)
	return "", false
}

// redirect answers 301 with a relative Location, so the redirect stays
// right under whatever path prefix a reverse proxy serves us at
// (http.Redirect would make it absolute).
func redirect(w http.ResponseWriter, rel string) {
	w.Header().Set("Location", rel)
	w.WriteHeader(http.StatusMovedPermanently)
}

// issueRedirect sends /issues/{week} to /issues/{week}/: the web version
// refers to its photos relative to the folder.
func (s *Server) issueRedirect(w http.ResponseWriter, r *http.Request) {
	if wk, ok := s.week(w, r); ok {
		redirect(w, wk+"/")
	}
}

// issueWeb is the public web version: only with [server] public_issues,
// and only once the week's send has started. Members otherwise read it
// at /archive/{token}/{week}/.
func (s *Server) issueWeb(w http.ResponseWriter, r *http.Request) {
	if wk, ok := s.week(w, r); ok && s.public(w, r, wk) {
		s.serveFile(w, r, wk, issue.WebFile, "text/html; charset=utf-8", "public, max-age=300")
	}
}

func (s *Server) issuePDF(w http.ResponseWriter, r *http.Request) {
	if wk, ok := s.week(w, r); ok && s.public(w, r, wk) {
		w.Header().Set("Content-Disposition", `inline; filename="`+wk+`.pdf"`)
		s.serveFile(w, r, wk, issue.PDFFile, "application/pdf", "public, max-age=300")
	}
}

// public reports whether week's issue may be served to anyone, and
// answers 404 when not: an issue is public only under PublicIssues and
// once its send has started (its ledger has rows), never on being built.
func (s *Server) public(w http.ResponseWriter, r *http.Request, week string) bool {
	if !s.cfg.PublicIssues {
		s.notFound(w)
		return false
	}
	counts, err := s.deps.Ledger.Counts(r.Context(), week)
	if err != nil {
		s.fail("counts "+week, err)
		s.message(w, http.StatusInternalServerError, "Something went wrong", "Please try again in a few minutes.")
		return false
	}
	for _, n := range counts {
		if n > 0 {
			return true
		}
	}
	s.notFound(w)
	return false
}

func (s *Server) issueImage(w http.ResponseWriter, r *http.Request) {
	wk, ok := s.week(w, r)
	if !ok {
		return
	}
	name := r.PathValue("file")
	if !imageName().MatchString(name) {
		s.notFound(w)
		return
	}
	// Photos stay public: the email's images load from here, and mail
	// clients fetch them without a member's link.
	s.serveFile(w, r, wk, path.Join(issue.ImagesDir, name), imageTypes[strings.ToLower(path.Ext(name))], "public, max-age=300")
}

// serveFile serves one file of week's built issue from the issue store
// (which refuses any name outside the week's issue) and lets
// http.ServeContent handle ranges and conditional requests.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, week, name, contentType, cache string) {
	f, err := s.deps.Issues.Open(r.Context(), week, name)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.fail("serve "+week+"/"+name, err)
		}
		s.notFound(w)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		s.notFound(w)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", cache)
	h.Set("Content-Security-Policy", "frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'")
	http.ServeContent(w, r, "", fi.ModTime(), f)
}

func (s *Server) notFound(w http.ResponseWriter) {
	s.message(w, http.StatusNotFound, "Not found", "There is nothing at this address.")
}
