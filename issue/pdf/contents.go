package pdf

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/foliopress/folio/issue"
)

// contents lays out the contents pages: entries grouped by section in two
// columns, each with its page number, title, deck, byline and rating, and
// a link over the whole entry. starts and tops hold each review's first
// page and where on it the review opens; nil starts lays out with
// placeholder numbers, to count the pages. It also returns the y below
// the last page's content, where the first article may start.
func (l *layouter) contents(starts []int, tops []float64) ([]Page, float64) {
	g := l.g
	pages := []Page{{}}
	p := &pages[0]
	y := g.top - 20
	sect := l.doc.elem("Sect", docElem)
	y = l.placeIn(l.doc.elem("H1", sect), &p.Items, l.plain("Contents", SerifBold, 40, ink, g.textW), 40, 44, g.left, y, 0, 0, SerifBold)
	sub := fmt.Sprintf("%s  ·  Issue No. %d  ·  %s", l.iss.Magazine, l.iss.Number, l.iss.DateLabel())
	y = l.placeIn(l.doc.elem("P", sect), &p.Items, l.plain(sub, Sans, 9, grey, g.textW), 9, 14, g.left, y+2, 0, 0, Sans)
	p.Items = append(p.Items, Item{Kind: KRule, X: g.left, Y: y + 6, W: g.textW, Stroke: 2, Color: accent})
	top := y + 22 // the columns' top on this page
	type centry struct {
		r        *issue.Review
		head     []textLine // the section's name, before its first entry
		headElem int32      // its H2
		entry    block
		link     int32 // the entry's Link element
		h        float64
	}
	var list []centry
	total := 0.0
	i := 0
	var entries int32 // the section's list of entries
	for _, s := range l.iss.Sections {
		for k, r := range s.Reviews {
			num := "00"
			if starts != nil {
				num = strconv.Itoa(starts[i])
			}
			i++
			var e centry
			if k == 0 {
				e.head = l.plain(s.Name, SansBold, 10, accent, g.colW)
				e.headElem = l.doc.elem("H2", sect)
				entries = l.doc.elem("L", sect)
			}
			e.r, e.link = r, l.doc.elem("Link", l.doc.elem("LBody", l.doc.elem("LI", entries)))
			e.entry = l.contentsEntry(r, num, g.colW, e.link)
			e.h = e.entry.h
			if k == 0 {
				e.h += 26
			}
			list = append(list, e)
			total += e.h
		}
	}
	// Balance the two columns when the contents fit one page, so the
	// photo strip gets the foot of the page.
	half := g.bottom - top
	if total <= 2*(g.bottom-top) {
		half = total / 2
	}
	y = top
	col := 0
	colBottom := 0.0 // the lowest column end on the last page
	for i, e := range list {
		over := y+e.h > g.bottom || (col == 0 && len(pages) == 1 && y-top+e.h/2 > half)
		if over && y > top {
			col++
			if col == 2 {
				pages = append(pages, Page{})
				p = &pages[len(pages)-1]
				col, top, colBottom = 0, g.top, 0
				half = g.bottom - top
			}
			y = top
		}
		x := g.left + float64(col)*(g.colW+g.gutter)
		if e.head != nil {
			y = l.placeIn(e.headElem, &p.Items, e.head, 10, 14, x, y+4, 0, 0, SansBold)
			p.Items = append(p.Items, Item{Kind: KRule, X: x, Y: y + 2, W: g.colW, Stroke: 0.5, Color: hair})
			y += 8
		}
		n := len(p.Items)
		for _, it := range e.entry.items {
			it.X += x
			it.Y += y
			p.Items = append(p.Items, it)
		}
		if starts != nil {
			p.Items = append(p.Items, Item{Kind: KLink, X: x, Y: y, W: g.colW, H: e.entry.h - 6, Target: starts[i], TargetY: tops[i]})
		}
		tagItems(p.Items, n, e.link)
		y += e.entry.h
		colBottom = math.Max(colBottom, y)
	}
	end := l.photoStrip(p, colBottom+18, starts, tops, sect)
	for i := range pages {
		pages[i].contents = true
	}
	return pages, math.Max(colBottom, end)
}

// photoStrip fills the foot of the contents with up to four of the
// issue's photos, each a link to its article. Thumbnails have one size and
// one shape (3:2, trimmed about each photo's focus) whatever their number,
// so a lone photo is a thumbnail too, never a poster.
func (l *layouter) photoStrip(p *Page, y float64, starts []int, tops []float64, sect int32) float64 {
	g := l.g
	var withPhoto []int
	for i, r := range l.iss.Reviews() {
		if r.Photo != nil && len(withPhoto) < 4 {
			withPhoto = append(withPhoto, i)
		}
	}
	const gap = 12.0
	cw := (g.textW - 3*gap) / 4
	ch := cw * 2 / 3
	if len(withPhoto) == 0 || g.bottom-y-24 < ch+10 {
		return 0
	}
	bottom := 0.0
	p.Items = append(p.Items, Item{Kind: KRule, X: g.left, Y: y - 8, W: g.textW, Stroke: 0.5, Color: hair})
	reviews := l.iss.Reviews()
	for k, i := range withPhoto {
		r := reviews[i]
		x := g.left + float64(k)*(cw+gap)
		link := l.doc.elem("Link", sect)
		fig := l.doc.elem("Figure", link)
		l.doc.Elems[fig-1].Alt = r.Photo.AltText(r.Title)
		n := len(p.Items)
		l.fillPhoto(&p.Items, r, x, y, cw, ch)
		tagItems(p.Items, n, fig)
		num := "00"
		if starts != nil {
			num = strconv.Itoa(starts[i])
		}
		cap := l.plain(r.Title+" (p.\u00a0"+num+")", Sans, 7.5, ink, cw)
		end := l.placeIn(l.doc.elem("Caption", link), &p.Items, cap, 7.5, 10, x, y+ch+3, 0, 0, Sans)
		if starts != nil {
			p.Items = append(p.Items, Item{Kind: KLink, X: x, Y: y, W: cw, H: end - y, Target: starts[i], TargetY: tops[i], Elem: link})
		}
		bottom = math.Max(bottom, end)
	}
	return bottom
}

type block struct {
	items []Item
	h     float64
}

// contentsEntry is one entry, laid out from (0, 0).
func (l *layouter) contentsEntry(r *issue.Review, num string, textW float64, link int32) block {
	var items []Item
	const numW = 34.0
	textW -= numW
	nw := l.fs.width(SansBold, num, 15)
	items = append(items, Item{Kind: KText, X: numW - 9 - nw, Y: l.baseline(SansBold, 15, 17), Face: SansBold, Size: 15, Color: accent, Text: num, W: nw})
	_, tl := l.display(r.Title, SerifBold, ink, textW, []float64{13}, 2)
	y := l.place(&items, tl, 13, 16, numW, 0, 0, 0, SerifBold)
	if r.Deck != "" {
		_, dl := l.display(r.Deck, SerifItalic, grey, textW, []float64{9.5}, 2)
		y = l.place(&items, dl, 9.5, 12, numW, y+1, 0, 0, SerifItalic)
	}
	// The byline, then the stars, all of them in the Symbol face.
	var ln textLine
	x := 0.0
	add := func(f Face, c RGB, s, actual string) {
		for _, rn := range l.fs.runs(f, s) {
			w := l.fs.width(rn.Face, rn.Text, 8)
			ln.frags = append(ln.frags, frag{x: x, w: w, face: rn.Face, color: c, text: rn.Text, actual: actual})
			x += w
		}
	}
	if b := strings.TrimSpace(r.Byline); b != "" {
		add(Sans, ink, b+"   ", "")
	}
	if r.Rating != nil {
		add(Symbol, accent, r.Rating.Stars(), r.Rating.Words())
		ln.frags[len(ln.frags)-1].elem = l.words(link, r.Rating.Words())
	}
	if len(ln.frags) > 0 {
		items = appendLine(items, ln, 8, numW, y+2+l.baseline(Sans, 8, 12))
		y += 14
	}
	return block{items: items, h: y + 12}
}
