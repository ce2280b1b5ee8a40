package server

import (
	"net/http"
	"path"
	"slices"

	"github.com/foliopress/folio/internal/links"

	"github.com/foliopress/folio/issue"
)

// archivePDF is a member's personal download link for one issue's PDF,
// {base}/archive/{token}/{week}/issue.pdf: the email links it instead of
// attaching the PDF when the member prefers a link or the PDF is large.
// It serves only issues in the member's archive.
func (s *Server) archivePDF(w http.ResponseWriter, r *http.Request) {
	m, ok := s.member(w, r, links.PurposeArchive)
	if !ok {
		return
	}
	wk := r.PathValue("week")
	if !canonicalWeek(wk) {
		s.notFound(w)
		return
	}
	weeks, err := s.deps.Archive.MemberIssues(r.Context(), m.ID)
	if err != nil {
		s.fail("download", err)
		s.message(w, http.StatusInternalServerError, "Something went wrong", "Please try again in a few minutes.")
		return
	}
	if !slices.Contains(weeks, wk) {
		s.notFound(w)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+wk+`.pdf"`)
	s.serveFile(w, r, path.Join(wk, issue.PDFFile), "application/pdf")
}
