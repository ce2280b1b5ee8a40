package pdf

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/foliopress/folio/assets"
	"github.com/foliopress/folio/issue"
)

// resources are what a layout needs that no issue changes: a font set for
// the layouter and one for the body helper (both cache widths as they go,
// so each goroutine has its own) and the hyphenation patterns.
type resources struct {
	fs, helperFS *fontSet
	hy           *hyphenator
	err          error
}

// loadResources parses the fonts, makes a font set of them for each
// goroutine, and reads the hyphenation patterns.
func loadResources() resources {
	p, err := parseFonts()
	if err != nil {
		return resources{err: err}
	}
	pat, err := assets.HyphenationEnUS()
	if err != nil {
		return resources{err: fmt.Errorf("pdf: %w", err)}
	}
	hy, err := newHyphenator(pat)
	if err != nil {
		return resources{err: err}
	}
	return resources{fs: p.newFontSet(), helperFS: p.newFontSet(), hy: hy}
}

// Typesetter typesets one issue with everything that does not depend on
// the issue — fonts, hyphenation patterns, an fpdf document with the
// usual faces embedded — prepared on another goroutine from the moment
// Prepare is called, so a caller can prepare while it collects the issue.
// Either Typeset or Close must be called; both may be.
type Typesetter struct {
	opts   Options
	g      geometry
	gerr   error
	res    chan resources
	start  chan *pdfStart
	done   chan struct{}
	laid   chan struct{}
	once   sync.Once // closes laid
	cancel context.CancelFunc
	warns  []string
}

// Prepare starts preparing a Typesetter for opts; it stops early when ctx
// ends.
func Prepare(ctx context.Context, opts Options) *Typesetter {
	ctx, cancel := context.WithCancel(ctx)
	t := &Typesetter{opts: opts, res: make(chan resources, 1), start: make(chan *pdfStart, 1),
		done: make(chan struct{}), laid: make(chan struct{}), cancel: cancel}
	t.g, t.gerr = newGeometry(opts.PageSize)
	go func(ctx context.Context) {
		defer close(t.done)
		t.res <- loadResources()
		if t.gerr != nil {
			t.start <- nil
			return
		}
		t.start <- startPDF(ctx, t.g.pageW, t.g.pageH, likelyFaces())
	}(ctx)
	return t
}

// Options are the options the Typesetter was prepared for.
func (t *Typesetter) Options() Options { return t.opts }

// LaidOut is closed once Typeset has laid the issue out or failed to, or
// the Typesetter is closed. A caller with other work for the CPU can wait
// for it: the layout sets bodies on both cores, and a third busy goroutine
// starved one of them for a whole scheduler slice (10 ms).
func (t *Typesetter) LaidOut() <-chan struct{} { return t.laid }

func (t *Typesetter) laidOut() { t.once.Do(func() { close(t.laid) }) }

// Close stops the preparation and waits for it to end.
func (t *Typesetter) Close() {
	t.laidOut()
	t.cancel()
	<-t.done
}

// Typeset lays out and draws the issue as a PDF, writing it to w. It is
// deterministic: same issue and options → same bytes (creation and
// modification date = iss.Date).
//
// When the layout uses exactly the faces the prepared document embedded,
// drawing carries on from it, otherwise drawing begins afresh. Either way
// the bytes are the same.
func (t *Typesetter) Typeset(w io.Writer, iss *issue.Issue) error {
	defer t.Close()
	if iss == nil || iss.Empty() {
		return ErrEmpty
	}
	if t.gerr != nil {
		return t.gerr
	}
	doc, err := layoutWith(iss, t.opts, t.g, <-t.res)
	if doc != nil {
		t.warns = doc.Warnings
	}
	t.laidOut()
	if err != nil {
		return err
	}
	return doc.draw(w, iss.Date, <-t.start)
}

// Warnings are the typeset document's warnings (Document.Warnings), once
// Typeset has laid it out: what a reader would notice, such as a cover
// photo under 150 ppi, that need not stop the build.
func (t *Typesetter) Warnings() []string {
	<-t.laid
	return t.warns
}

// Typeset lays out and draws the issue as a PDF, writing it to w: see
// Typesetter.Typeset.
func Typeset(w io.Writer, iss *issue.Issue, opts Options) error {
	return Prepare(context.Background(), opts).Typeset(w, iss)
}
