package pdf

import (
	"context"
	"io"

	"folio.example/folio/issue"
)

// Typeset lays out and draws the issue as a PDF, writing it to w. It is
// deterministic: same issue and options → same bytes (creation/mod date =
// iss.Date).
//
// While the issue is laid out, the other core starts the fpdf document and
// embeds the faces an issue almost always uses; when the layout uses
// exactly those, drawing carries on from there, otherwise the start is
// dropped and drawing begins afresh. Either way the bytes are the same.
func Typeset(w io.Writer, iss *issue.Issue, opts Options) error {
	g, gerr := newGeometry(opts.PageSize)
	if iss == nil || iss.Empty() || gerr != nil {
		doc, err := Layout(iss, opts)
		if err != nil {
			return err
		}
		return doc.Draw(w, iss.Date)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := make(chan *pdfStart, 1)
	go func(ctx context.Context) {
		started <- startPDF(ctx, g.pageW, g.pageH, iss.Date, likelyFaces())
	}(ctx)
	doc, err := Layout(iss, opts)
	if err != nil {
		cancel()
		<-started
		return err
	}
	return doc.draw(w, iss.Date, <-started)
}
