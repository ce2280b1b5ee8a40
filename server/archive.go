package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"time"

	"github.com/foliopress/folio/internal/links"
	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/issue"
)

// archivePage lists a member's issues.
type archivePage struct {
	page
	Name           string
	Issues         []archiveEntry
	UnsubscribeURL string
}

// archiveEntry is one issue in a member's archive. The URLs are relative
// to /archive/{token}, so the page works under any base path a reverse
// proxy puts in front of the server.
type archiveEntry struct {
	Week      string
	DateLabel string
	Heading   string
	Titles    []string
	WebURL    string
	PDFURL    string
	PDFSize   string
}

// archive is the member's personal archive: the built issues their tier
// covered, each with its web version and PDF.
func (s *Server) archive(w http.ResponseWriter, r *http.Request) {
	m, ok := s.member(w, r, links.PurposeArchive)
	if !ok {
		return
	}
	weeks, err := s.deps.Archive.MemberIssues(r.Context(), m.ID)
	if err != nil {
		s.fail("archive", err)
		s.message(w, http.StatusInternalServerError, "Something went wrong", "Please try again in a few minutes.")
		return
	}
	data := archivePage{page: page{Title: "Your archive", Magazine: s.cfg.Magazine}, Name: m.Name}
	for _, wk := range weeks {
		if e, ok := s.entry(r.Context(), r.PathValue("token"), wk); ok {
			data.Issues = append(data.Issues, e)
		}
	}
	if m.Status == member.StatusActive || m.Status == member.StatusPaused {
		data.UnsubscribeURL = s.cfg.Links.Unsubscribe(m)
	}
	s.render(w, http.StatusOK, "archive", data)
}

// manifest is the part of a built issue's issue.json the archive shows.
type manifest struct {
	Number   int
	Date     time.Time
	Sections []struct {
		Reviews []struct{ Title string }
	}
}

// entry describes week's built issue; ok is false when the week is not a
// canonical week name or its web version is not stored. Its links are the
// member's own, relative to /archive/{token}.
func (s *Server) entry(ctx context.Context, token, week string) (archiveEntry, bool) {
	if !canonicalWeek(week) {
		return archiveEntry{}, false
	}
	if _, err := s.stat(ctx, week, issue.WebFile); err != nil {
		return archiveEntry{}, false
	}
	own := url.PathEscape(token) + "/" + week + "/"
	e := archiveEntry{Week: week, Heading: "Issue of week " + week, DateLabel: week, WebURL: own}
	if fi, err := s.stat(ctx, week, issue.PDFFile); err == nil {
		e.PDFURL = own + issue.PDFFile
		e.PDFSize = humanSize(fi.Size())
	}
	if mf, err := s.readManifest(ctx, week); err == nil {
		if !mf.Date.IsZero() {
			e.DateLabel = "Week of " + mf.Date.Format("January 2, 2006")
		}
		for _, sec := range mf.Sections {
			for _, rv := range sec.Reviews {
				e.Titles = append(e.Titles, rv.Title)
			}
		}
		if mf.Number > 0 {
			e.Heading = fmt.Sprintf("Issue %d", mf.Number)
		}
	}
	return e, true
}

// stat describes one stored file of week's issue.
func (s *Server) stat(ctx context.Context, week, name string) (fs.FileInfo, error) {
	f, err := s.deps.Issues.Open(ctx, week, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Stat()
}

// readManifest reads week's issue.json, capped at 8 MiB.
func (s *Server) readManifest(ctx context.Context, week string) (*manifest, error) {
	f, err := s.deps.Issues.Open(ctx, week, manifestFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var mf manifest
	if err := json.NewDecoder(io.LimitReader(f, 8<<20)).Decode(&mf); err != nil {
		return nil, fmt.Errorf("server: %s/issue.json: %w", week, err)
	}
	return &mf, nil
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// manifestFile is the issue's JSON record in its build folder
// (publish.ManifestFile; repeated here so server does not import publish).
const manifestFile = "issue.json"
