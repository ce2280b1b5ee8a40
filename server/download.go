package server

import (
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/foliopress/folio/internal/links"

	"github.com/foliopress/folio/issue"
)

// archivePDF is a member's personal download link for one issue's PDF,
// {base}/archive/{token}/{week}/issue.pdf: the email links it instead of
// attaching the PDF when the member prefers a link or the PDF is large.
// It serves only issues in the member's archive.
func (s *Server) archivePDF(w http.ResponseWriter, r *http.Request) {
	if wk, ok := s.memberWeek(w, r); ok {
		w.Header().Set("Content-Disposition", `attachment; filename="`+wk+`.pdf"`)
		s.serveFile(w, r, wk, issue.PDFFile, "application/pdf", "private, max-age=300")
	}
}

// archiveWeb is a member's own address of an issue's web version,
// {base}/archive/{token}/{week}/: the email's "view in your browser" and
// review links. The page refers to its photos and PDF relative to it.
func (s *Server) archiveWeb(w http.ResponseWriter, r *http.Request) {
	if wk, ok := s.memberWeek(w, r); ok {
		s.serveFile(w, r, wk, issue.WebFile, "text/html; charset=utf-8", "private, max-age=300")
	}
}

// archiveImage serves a photo of an issue in the member's archive.
func (s *Server) archiveImage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if !imageName().MatchString(name) {
		s.notFound(w)
		return
	}
	if wk, ok := s.memberWeek(w, r); ok {
		s.serveFile(w, r, wk, path.Join(issue.ImagesDir, name), imageTypes[strings.ToLower(path.Ext(name))], "private, max-age=300")
	}
}

// archiveIssueRedirect adds the slash the web version's relative links
// need.
func (s *Server) archiveIssueRedirect(w http.ResponseWriter, r *http.Request) {
	if wk, ok := s.memberWeek(w, r); ok {
		redirect(w, wk+"/")
	}
}

// memberWeek checks an archive link's token and that its {week} is in
// the member's archive; otherwise it answers (403 or 404) and ok is false.
func (s *Server) memberWeek(w http.ResponseWriter, r *http.Request) (string, bool) {
	m, ok := s.member(w, r, links.PurposeArchive)
	if !ok {
		return "", false
	}
	wk := r.PathValue("week")
	if !canonicalWeek(wk) {
		s.notFound(w)
		return "", false
	}
	weeks, err := s.deps.Archive.MemberIssues(r.Context(), m.ID)
	if err != nil {
		s.fail("archive issue", err)
		s.message(w, http.StatusInternalServerError, "Something went wrong", "Please try again in a few minutes.")
		return "", false
	}
	if !slices.Contains(weeks, wk) {
		s.notFound(w)
		return "", false
	}
	return wk, true
}
