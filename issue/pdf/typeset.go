package pdf

import (
	"io"

	"folio.example/folio/issue"
)

// Typeset lays out and draws the issue as a PDF, writing it to w. It is
// deterministic: same issue and options → same bytes (creation/mod date =
// iss.Date).
func Typeset(w io.Writer, iss *issue.Issue, opts Options) error {
	doc, err := Layout(iss, opts)
	if err != nil {
		return err
	}
	return doc.Draw(w, iss.Date)
}
