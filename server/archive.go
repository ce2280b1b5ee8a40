package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
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
		if e, ok := s.entry(wk); ok {
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
// canonical week name or its web version is not on disk.
func (s *Server) entry(week string) (archiveEntry, bool) {
	if !canonicalWeek(week) {
		return archiveEntry{}, false
	}
	if fi, err := s.root.Stat(path.Join(week, issue.WebFile)); err != nil || !fi.Mode().IsRegular() {
		return archiveEntry{}, false
	}
	e := archiveEntry{Week: week, Heading: "Issue of week " + week, DateLabel: week, WebURL: "../issues/" + week + "/"}
	if fi, err := s.root.Stat(path.Join(week, issue.PDFFile)); err == nil && fi.Mode().IsRegular() {
		e.PDFURL = "../issues/" + week + "/" + issue.PDFFile
		e.PDFSize = humanSize(fi.Size())
	}
	if mf, err := s.readManifest(week); err == nil {
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

// readManifest reads week's issue.json through the root, capped at 8 MiB.
func (s *Server) readManifest(week string) (*manifest, error) {
	f, err := s.root.Open(path.Join(week, manifestFile))
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
