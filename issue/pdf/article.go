package pdf

import (
	"math"
	"slices"
	"strings"

	"github.com/foliopress/folio/issue"
)

// minShared is the fewest body lines per column worth starting an article
// under the end of the one before, rather than on a fresh page: with less
// room left, the page is already well filled.
const minShared = 4

// placed is an article laid out: its pages, where its opening starts on
// the first of them, and the y below its last columns.
type placed struct {
	pages  []Page
	top    float64
	bottom float64
}

// article lays out one review: an opening block across the page (section,
// title, deck, byline, rating, credits), its photo across both columns or
// at the head of a column, then the body in two columns, the last page's
// balanced. With shared set, it starts at top on that page, below the
// previous article, and reports false if there is no room there. scale
// shrinks the largest a column photo may be.
func (l *layouter) article(r *issue.Review, shared *Page, top, scale float64) (placed, bool) {
	g := l.g
	first := Page{}
	if shared != nil {
		first.Items = append([]Item(nil), shared.Items...)
		first.Bookmarks = append([]Bookmark(nil), shared.Bookmarks...)
		first.sections = append([]string(nil), shared.sections...)
	} else {
		top = g.top
	}
	first.addSection(r.Section)
	plan := l.planPhoto(r)
	art := l.doc.elem("Art", l.sectionElem(r.Section))
	y := l.opening(&first.Items, r, top, art)
	if plan.wide {
		maxH := float64(g.lines) * g.lead * 0.45
		if shared != nil {
			// Sharing a page: keep room for the body under the photo.
			maxH = math.Min(maxH, (g.bottom-y)*0.5)
		}
		y = l.widePhoto(&first.Items, r, y+6, maxH, art)
	}
	// The body starts on the first grid line below the opening.
	k := int(math.Ceil((y + 8 - g.top) / g.lead))
	bodyTop := g.top + float64(k)*g.lead
	fr := frame{first: g.lines - k, full: g.lines}
	if shared != nil && fr.first < minShared {
		return placed{}, false
	}
	offset := 0 // the page of column pair 0
	if fr.first < 4 {
		fr.first, offset = g.lines, 1 // no room under the opening
		bodyTop = g.top
	}
	var photo []Item
	if plan.col {
		// The photo heads the right column: the body starts at the top
		// left, under the opening, and every reader (and pdftotext) meets
		// the left column first. Under an opening that leaves the column
		// too short for it and three lines of text, it is trimmed and
		// scaled down to fit, down to half the column's width; failing
		// that, it heads the next page's right column.
		maxH := float64(g.lines) * g.lead * 0.55 * scale
		h, ph := l.columnPhoto(&photo, r, maxH, art)
		if room := float64(fr.first-3)*g.lead - 6; h > room {
			var small []Item
			hs, _ := l.columnPhoto(&small, r, room-(h-ph), art)
			if hs <= room && small[0].clipW() >= g.colW/2 {
				photo, h = small, hs
			}
		}
		fr.reserve, fr.reserveCol = int(math.Ceil((h+6)/g.lead)), 1
		if fr.reserve > fr.first-3 {
			fr.reserveCol = 3
		}
	}
	flow, elems := l.body(r, fr)
	base := l.doc.adopt(elems, art)
	cols := pourArticle(flow, fr)
	if fr.reserveCol == 3 && len(cols) <= 2 {
		// The photo would stand alone on a page after the text.
		if shared != nil {
			return placed{}, false
		}
		fr.reserveCol = 1
		fr.first, offset, bodyTop = g.lines, 1, g.top
		cols = pourArticle(flow, fr)
	}
	pages := []Page{first}
	pageOf := func(pi int) *Page {
		for len(pages) <= pi {
			p := Page{}
			p.addSection(r.Section)
			pages = append(pages, p)
		}
		return &pages[pi]
	}
	addPhoto := func() {
		pi := offset + fr.reserveCol/2
		ptop := g.top
		if pi == offset {
			ptop = bodyTop
		}
		p := pageOf(pi)
		x := g.left + float64(fr.reserveCol%2)*(g.colW+g.gutter)
		for _, it := range photo {
			it.X += x
			it.Y += ptop
			it.CX += x
			it.CY += ptop
			p.Items = append(p.Items, it)
		}
		photo = nil
	}
	bottom := 0.0 // below the columns of the last page
	lastPage := (len(cols)-1)/2 + offset
	for c, cr := range cols {
		pi := c/2 + offset
		if c%2 == 0 {
			// Size the page's list for both its columns at once.
			n := 8
			for _, cr2 := range cols[c:min(c+2, len(cols))] {
				for i := range flow[cr2.start:cr2.end] {
					n += flow[cr2.start+i].numItems()
				}
			}
			p := pageOf(pi)
			p.Items = slices.Grow(p.Items, n)
		}
		x := g.left + float64(c%2)*(g.colW+g.gutter)
		ctop := g.top
		if pi == offset {
			ctop = bodyTop
		}
		if c == fr.reserveCol && fr.reserve > 0 {
			ctop += float64(fr.reserve) * g.lead
		}
		used := 0
		for i := range flow[cr.start:cr.end] {
			fl := &flow[cr.start+i]
			pages[pi].Items = fl.appendTo(pages[pi].Items, x, ctop+float64(used)*g.lead, base)
			used += fl.h
			if photo != nil && c == fr.reserveCol && (fl.space || fl.size > 0 && fl.text.last) {
				// The photo is drawn where a paragraph of its column ends,
				// so that its caption never reads inside a sentence.
				addPhoto()
			}
		}
		if photo != nil && c == fr.reserveCol {
			addPhoto()
		}
		if pi == lastPage {
			bottom = math.Max(bottom, ctop+float64(used)*g.lead)
		}
	}
	if photo != nil {
		addPhoto() // the body ended before the photo's column
		bottom = math.Max(bottom, bodyTop+float64(fr.reserve)*g.lead)
	}
	if bottom == 0 {
		bottom = bodyTop // no body
	}
	return placed{pages: pages, top: top, bottom: bottom}, true
}

// opening draws the article's head across the text block and returns the y
// below it.
func (l *layouter) opening(items *[]Item, r *issue.Review, top float64, art int32) float64 {
	g := l.g
	y := top
	*items = append(*items, Item{Kind: KRule, X: g.left, Y: y, W: g.textW, Stroke: 2, Color: accent})
	// The section's name heads its first article (H1); over the others it
	// is a repeated label, an artifact.
	label := int32(0)
	if l.firstInSection(r) {
		label = l.doc.elem("H1", l.sectionElem(r.Section))
	}
	y = l.placeIn(label, items, l.plain(r.Section, SansBold, 9, accent, g.textW), 9, 16, g.left, y+4, 0, 0, SansBold)
	size, lines := l.display(r.Title, SerifBold, ink, g.textW, []float64{30, 22, 16}, 3)
	y = l.placeIn(l.doc.elem("H2", art), items, lines, size, size*1.1, g.left, y+2, 0, 0, SerifBold)
	if r.Deck != "" {
		size, lines := l.display(r.Deck, SerifItalic, grey, g.textW*0.85, []float64{14, 11}, 3)
		y = l.placeIn(l.doc.elem("P", art), items, lines, size, size*1.28, g.left, y+4, 0, 0, SerifItalic)
	}
	y += 6
	if meta := l.metaLine(r); len(meta) > 0 {
		ln := textLine{}
		x := 0.0
		p := l.doc.elem("P", art)
		for _, m := range meta {
			f := frag{x: x, w: m.w, face: m.face, color: m.color, text: m.text, actual: m.actual}
			if m.actual != "" {
				f.elem = l.words(p, m.actual)
			}
			ln.frags = append(ln.frags, f)
			x += m.w
		}
		n := len(*items)
		*items = appendLine(*items, ln, 9, g.left, y+l.baseline(Sans, 9, 14))
		tagItems(*items, n, p)
		if r.Certificate != "" {
			c := ln.frags[len(ln.frags)-1]
			bx, by, bw, bh := g.left+c.x-3, y+2, c.w+6, 11.0
			*items = append(*items,
				Item{Kind: KRule, X: bx, Y: by, W: bw, Stroke: 0.6, Color: ink},
				Item{Kind: KRule, X: bx, Y: by + bh, W: bw, Stroke: 0.6, Color: ink},
				Item{Kind: KRule, X: bx, Y: by, H: bh, Stroke: 0.6, Color: ink},
				Item{Kind: KRule, X: bx + bw, Y: by, H: bh, Stroke: 0.6, Color: ink})
		}
		y += 14
	}
	if len(r.Credits) > 0 {
		var inl []issue.Inline
		for i, c := range r.Credits {
			if i > 0 {
				inl = append(inl, issue.Inline{Text: "  ·  "})
			}
			inl = append(inl, issue.Inline{Text: c.Role + ": ", Style: issue.Bold}, issue.Inline{Text: c.Names})
		}
		y = l.placeIn(l.doc.elem("P", art), items, l.lines(inl, paraStyle{face: Sans, size: 8.5, color: grey}, g.textW), 8.5, 12, g.left, y+2, 0, 0, Sans)
	}
	if r.Opens != "" {
		inl := []issue.Inline{{Text: l.iss.OpensLabel(r.Section) + ": ", Style: issue.Bold}, {Text: r.Opens}}
		y = l.placeIn(l.doc.elem("P", art), items, l.lines(inl, paraStyle{face: Sans, size: 8.5, color: grey}, g.textW), 8.5, 12, g.left, y, 0, 0, Sans)
	}
	return y
}

// metaPart is a piece of the byline row.
type metaPart struct {
	face   Face
	color  RGB
	text   string
	w      float64
	actual string // what the part reads as, when not its text
}

// metaLine is "By Critic   ★★★½☆   R": byline, rating and certificate.
func (l *layouter) metaLine(r *issue.Review) []metaPart {
	var out []metaPart
	add := func(f Face, c RGB, s string) {
		for _, rn := range l.fs.runs(f, s) {
			out = append(out, metaPart{rn.Face, c, rn.Text, l.fs.width(rn.Face, rn.Text, 9), ""})
		}
	}
	if b := strings.TrimSpace(r.Byline); b != "" {
		if !strings.HasPrefix(strings.ToLower(b), "by ") {
			b = "By " + b
		}
		add(SansBold, ink, b)
	}
	if r.Rating != nil {
		if len(out) > 0 {
			add(Sans, ink, "    ")
		}
		out = append(out, metaPart{Symbol, accent, r.Rating.Stars(), l.fs.width(Symbol, r.Rating.Stars(), 9), r.Rating.Words()})
	}
	if r.Certificate != "" {
		if len(out) > 0 {
			add(Sans, ink, "      ")
		}
		add(SansBold, ink, r.Certificate)
	}
	return out
}

// display sets display text at the first size that needs at most maxLines
// lines; at the smallest size, lines past twice that are cut with an
// ellipsis, so no title can push an article off its page.
func (l *layouter) display(text string, face Face, c RGB, width float64, sizes []float64, maxLines int) (float64, []textLine) {
	var lines []textLine
	var size float64
	for _, size = range sizes {
		lines = l.plain(text, face, size, c, width)
		if len(lines) <= maxLines {
			return size, lines
		}
	}
	if len(lines) > 2*maxLines {
		lines = lines[:2*maxLines]
		last := &lines[len(lines)-1]
		ell := "…"
		f := l.fs.faceFor(face, '…')
		last.frags = append(last.frags, frag{x: last.width, w: l.fs.width(f, ell, size), face: f, color: c, text: ell})
	}
	return size, lines
}
