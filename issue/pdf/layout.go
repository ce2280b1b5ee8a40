package pdf

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/foliopress/folio/issue"
)

// Options tune the typesetting.
type Options struct {
	PageSize string // "letter" (default) or "a4"
	Author   string // metadata; default the magazine name
	Language string // default "en-US"
}

// ErrPageSize is returned for a page size other than letter or a4.
var ErrPageSize = errors.New("pdf: unknown page size")

// ErrEmpty is returned for an issue with no reviews.
var ErrEmpty = errors.New("pdf: issue has no reviews")

// The palette: warm black ink, a crimson accent, greys for furniture.
var (
	ink    = RGB{28, 26, 24}
	accent = RGB{158, 27, 50}
	grey   = RGB{105, 100, 96}
	hair   = RGB{190, 184, 178}
	white  = RGB{255, 255, 255}
	gold   = RGB{236, 196, 92}
)

// geometry is the page grid, in points.
type geometry struct {
	pageW, pageH float64
	left, right  float64 // the text block's edges
	top, bottom  float64
	textW, colW  float64
	gutter, lead float64
	body         float64 // body text size
	lines        int     // grid lines in a full column
	headY, footY float64 // baselines of the running head and footer
}

func newGeometry(size string) (geometry, error) {
	g := geometry{lead: 13, body: 10, gutter: 18}
	switch strings.ToLower(strings.TrimSpace(size)) {
	case "", "letter":
		g.pageW, g.pageH = 612, 792
	case "a4":
		g.pageW, g.pageH = 595.28, 841.89
	default:
		return g, fmt.Errorf("%w: %q (want letter or a4)", ErrPageSize, size)
	}
	g.left, g.right = 54, g.pageW-54
	g.top = 72
	g.lines = int((g.pageH - g.top - 66) / g.lead)
	g.bottom = g.top + float64(g.lines)*g.lead
	g.textW = g.right - g.left
	g.colW = (g.textW - g.gutter) / 2
	g.headY = g.top - 26
	g.footY = g.bottom + 30
	return g, nil
}

// layouter holds one build's state.
type layouter struct {
	iss    *issue.Issue
	opts   Options
	g      geometry
	fs     *fontSet
	hy     *hyphenator
	doc    *Document
	photos map[string]int
	heads  map[string]photoHead        // each photo's header, read from its file
	pre    *preBodies                  // bodies set ahead on the other core, or nil
	set    map[*issue.Review]*bodyFlow // bodies set so far
	sects  map[string]int32            // each section's Sect element
}

// Layout lays the issue out into pages without drawing anything. Every
// page number is known when it returns.
func Layout(iss *issue.Issue, opts Options) (*Document, error) {
	if iss == nil || iss.Empty() {
		return nil, ErrEmpty
	}
	g, err := newGeometry(opts.PageSize)
	if err != nil {
		return nil, err
	}
	return layoutWith(iss, opts, g, loadResources())
}

// layoutWith lays out a non-empty issue on the page grid g with res,
// which it takes over.
func layoutWith(iss *issue.Issue, opts Options, g geometry, res resources) (*Document, error) {
	if res.err != nil {
		return nil, res.err
	}
	if opts.Author == "" {
		opts.Author = iss.Magazine
	}
	if opts.Language == "" {
		opts.Language = "en-US"
	}
	l := &layouter{iss: iss, opts: opts, g: g, fs: res.fs, hy: res.hy, photos: map[string]int{}, heads: map[string]photoHead{},
		doc: &Document{Width: g.pageW, Height: g.pageH, fonts: res.fs, Elems: []Elem{{Type: "Document"}}}, sects: map[string]int32{}}
	if rs := iss.Reviews(); len(rs) > 1 {
		// The helper sets the last two thirds of the bodies: the layouter
		// also pours every article and sets the cover and contents, and
		// with halves it waited on the helper (measured).
		ctx, cancel := context.WithCancel(context.Background())
		l.pre = l.startPreBodies(ctx, rs[len(rs)/3:], res.helperFS)
		defer l.pre.wait()
		defer cancel()
	}
	return l.run()
}

func (l *layouter) run() (*Document, error) {
	if err := l.checkPhotos(); err != nil {
		return nil, err
	}
	cover, err := l.cover()
	if err != nil {
		return nil, err
	}
	// The contents' length does not depend on its page numbers: lay it
	// out once to count its pages, then again with the real numbers. The
	// first article may start under it, on its last page.
	placeholder, bottom := l.contents(nil, nil)
	nContents := len(placeholder)
	shareable := len(placeholder[nContents-1].Items)
	g := l.g
	pages := append([]Page(nil), placeholder...) // the pages after the cover
	var starts []int
	var tops []float64
	reviews := l.iss.Reviews()
	for i, r := range reviews {
		pl, shared := l.placeReview(r, pages, bottom, 1)
		if i+1 < len(reviews) && g.filled(pl.pages[len(pl.pages)-1]) < minFill {
			// The article leaves its last page under-filled, and if the
			// next cannot start below it, the page stays so: try the
			// article with a smaller photo.
			if _, next := l.placeReview(reviews[i+1], append(pages[:len(pages):len(pages)], pl.pages...), pl.bottom, 1); !next {
				for _, scale := range []float64{0.75, 0.55} {
					alt, altShared := l.placeReview(r, pages, bottom, scale)
					if _, next := l.placeReview(reviews[i+1], append(pages[:len(pages):len(pages)], alt.pages...), alt.bottom, 1); next {
						pl, shared = alt, altShared
						break
					}
				}
			}
		}
		if shared {
			pages = pages[:len(pages)-1]
		}
		starts = append(starts, 2+len(pages))
		if pl.top <= g.top {
			pl.top = 0 // the top of the page
		}
		tops = append(tops, pl.top)
		pages = append(pages, pl.pages...)
		bottom = pl.bottom
	}
	contents, _ := l.contents(starts, tops)
	copy(pages, contents[:nContents-1])
	last := &pages[nContents-1]
	last.Items = append(contents[nContents-1].Items, last.Items[shareable:]...)
	last.contents = true
	doc := l.doc
	doc.Pages = append(doc.Pages, cover)
	doc.Pages = append(doc.Pages, pages...)
	total := len(doc.Pages)
	for i := range doc.Pages {
		p := &doc.Pages[i]
		p.Number = i + 1
		if len(p.sections) > 0 && !p.contents {
			// The head names every section with an article on the page.
			var head Page
			l.runningHead(&head, strings.Join(p.sections, " / "))
			p.Items = append(head.Items, p.Items...)
		}
		if i > 0 {
			l.footer(p, total)
		}
	}
	doc.Pages[1].Bookmarks = append([]Bookmark{{Title: "Contents", Level: 0}}, doc.Pages[1].Bookmarks...)
	section := ""
	for i, r := range l.iss.Reviews() {
		p := &doc.Pages[starts[i]-1]
		y := tops[i]
		if r.Section != section {
			section = r.Section
			p.Bookmarks = append(p.Bookmarks, Bookmark{Title: section, Level: 0, Y: y})
		}
		p.Bookmarks = append(p.Bookmarks, Bookmark{Title: r.Title, Level: 1, Y: y})
		doc.Articles = append(doc.Articles, Entry{Section: r.Section, Title: r.Title, Slug: r.Slug, Page: starts[i], Y: y})
	}
	doc.Meta = l.meta()
	return doc, nil
}

// minFill is how full a page but the last must be.
const minFill = 0.6

// placeReview lays out r after pages, whose last ends at bottom: under it on
// the same page when there is room (shared: the result's first page
// replaces that page), else on a fresh page. scale shrinks a column photo.
func (l *layouter) placeReview(r *issue.Review, pages []Page, bottom, scale float64) (placed, bool) {
	g := l.g
	if n := len(pages); n > 0 && bottom+3*g.lead < g.bottom {
		// Start under what is above, two grid lines down.
		k := math.Ceil((bottom-g.top)/g.lead) + 2
		if pl, ok := l.article(r, &pages[n-1], g.top+k*g.lead, scale); ok {
			return pl, true
		}
	}
	pl, _ := l.article(r, nil, g.top, scale)
	return pl, false
}

func (l *layouter) meta() Meta {
	iss := l.iss
	var sections []string
	for _, s := range iss.Sections {
		if len(s.Reviews) > 0 {
			sections = append(sections, s.Name)
		}
	}
	return Meta{
		Title:    fmt.Sprintf("%s — Issue %d, %s", iss.Magazine, iss.Number, iss.DateLabel()),
		Author:   l.opts.Author,
		Subject:  fmt.Sprintf("Reviews of the week: %s", strings.Join(sections, ", ")),
		Keywords: strings.Join(append([]string{"reviews", iss.ID()}, sections...), ", "),
		Language: l.opts.Language,
	}
}

// footer adds "page N of M", centred.
func (l *layouter) footer(p *Page, total int) {
	s := fmt.Sprintf("page %d of %d", p.Number, total)
	w := l.fs.width(Sans, s, 7.5)
	p.Items = append(p.Items, Item{Kind: KText, X: (l.g.pageW - w) / 2, Y: l.g.footY, Face: Sans, Size: 7.5, Color: grey, Text: s, W: w, Furniture: true})
}

// runningHead adds the magazine, section and date above an article page.
func (l *layouter) runningHead(p *Page, section string) {
	g := l.g
	mag := l.iss.Magazine
	x := g.left
	for _, rn := range l.fs.runs(SansBold, mag) {
		w := l.fs.width(rn.Face, rn.Text, 7.5)
		p.Items = append(p.Items, Item{Kind: KText, X: x, Y: g.headY, Face: rn.Face, Size: 7.5, Color: ink, Text: rn.Text, W: w, Furniture: true})
		x += w
	}
	sec := "  ·  " + section
	for _, rn := range l.fs.runs(Sans, sec) {
		w := l.fs.width(rn.Face, rn.Text, 7.5)
		p.Items = append(p.Items, Item{Kind: KText, X: x, Y: g.headY, Face: rn.Face, Size: 7.5, Color: accent, Text: rn.Text, W: w, Furniture: true})
		x += w
	}
	date := l.iss.DateLabel()
	dw := l.fs.width(Sans, date, 7.5)
	p.Items = append(p.Items,
		Item{Kind: KText, X: g.right - dw, Y: g.headY, Face: Sans, Size: 7.5, Color: grey, Text: date, W: dw, Furniture: true},
		Item{Kind: KRule, X: g.left, Y: g.headY + 6, W: g.textW, Stroke: 0.4, Color: hair, Furniture: true})
}

// docElem is the Document element, the root of the structure.
const docElem int32 = 1

// placeIn is place for text of one structure element e.
func (l *layouter) placeIn(e int32, items *[]Item, lines []textLine, size, lead, x, y float64, align float64, width float64, firstFace Face) float64 {
	n := len(*items)
	y = l.place(items, lines, size, lead, x, y, align, width, firstFace)
	tagItems(*items, n, e)
	return y
}

// lines sets inline text in a style at a width, every line the same width.
func (l *layouter) lines(inl []issue.Inline, st paraStyle, width float64) []textLine {
	items := l.fs.paragraph(l.hy, inl, st, width)
	lines, _ := l.fs.setParagraph(l.hy, items, st.size, func(int) float64 { return width })
	return lines
}

// plain sets plain text ragged right, without hyphenation.
func (l *layouter) plain(text string, face Face, size float64, color RGB, width float64) []textLine {
	return l.lines([]issue.Inline{{Text: text}}, paraStyle{face: face, size: size, color: color, linkColor: accent}, width)
}

// baseline is where text of a size sits in a line box of height lead: its
// cap height centred in the box.
func (l *layouter) baseline(face Face, size, lead float64) float64 {
	return (lead + l.fs.f[face].capHeight*size) / 2
}

// place appends set lines to items, line k's box top at y + k*lead, and
// returns the y below the last line.
func (l *layouter) place(items *[]Item, lines []textLine, size, lead, x, y float64, align float64, width float64, firstFace Face) float64 {
	base := l.baseline(firstFace, size, lead)
	for k, ln := range lines {
		dx := 0.0
		if align > 0 {
			dx = (width - ln.width) * align
		}
		*items = appendLine(*items, ln, size, x+dx, y+float64(k)*lead+base)
	}
	return y + float64(len(lines))*lead
}

// appendLine adds a line's fragments with baseline at y, and a link box
// over each fragment that has a URL.
func appendLine(items []Item, ln textLine, size, x, y float64) []Item {
	if items == nil {
		items = make([]Item, 0, len(ln.frags)+1)
	}
	for i, f := range ln.frags {
		span := ""
		switch {
		case i < ln.head && i == ln.head-1 && i+1 < len(ln.frags):
			span = " " // the address's rest, then a space before the next word
		case i < ln.head:
			span = "\x00" // extracts as nothing: the line before carries it
		case i == len(ln.frags)-1 && ln.tail != "":
			span = unligate(f.text + ln.tail)
		case f.actual != "" && f.elem == 0:
			span = f.actual // else the element reads as it
		}
		if span != "" {
			items = append(items, Item{Kind: KSpanBegin, Actual: strings.TrimPrefix(span, "\x00"), Elem: f.elem})
		}
		items = append(items, Item{Kind: KText, X: x + f.x, Y: y, Face: f.face, Size: size, Color: f.color, Text: f.text, W: f.w, WS: f.ws, Elem: f.elem})
		if span != "" {
			items = append(items, Item{Kind: KSpanEnd, Elem: f.elem})
		}
		if f.strike {
			// The strike sits at half the x-height, a little heavier
			// than a hairline, in the text's colour.
			items = append(items, Item{Kind: KRule, X: x + f.x, Y: y - size*0.24, W: f.w, Stroke: size * 0.06, Color: f.color})
		}
		if f.url != "" {
			items = append(items, Item{Kind: KLink, X: x + f.x, Y: y - size*0.8, W: f.w, H: size * 1.05, URL: f.url, Elem: f.elem})
		}
	}
	return items
}
