package pdf

import (
	"math"
	"slices"
	"strings"

	"github.com/foliopress/folio/issue"
)

// minShared is the fewest body lines per column worth starting an article
// under the end of the one before, rather than on a fresh page.
const minShared = 12

// placed is an article laid out: its pages, where its opening starts on
// the first of them, and the y below its last columns.
type placed struct {
	pages  []Page
	top    float64
	bottom float64
}

// article lays out one review: an opening block across the page (section,
// title, deck, byline, rating, credits, photo), then the body in two
// balanced columns. With shared set, it starts at top on that page, below
// the previous article, and reports false if there is no room there.
func (l *layouter) article(r *issue.Review, shared *Page, top float64) (placed, bool) {
	g := l.g
	first := Page{}
	if shared != nil {
		first.Items = append([]Item(nil), shared.Items...)
		first.Bookmarks = append([]Bookmark(nil), shared.Bookmarks...)
	} else {
		l.runningHead(&first, r.Section)
		top = g.top
	}
	colPhoto := r.Photo != nil && l.tallPhoto(r)
	y := l.opening(&first.Items, r, top, !colPhoto)
	// The body starts on the first grid line below the opening.
	k := int(math.Ceil((y + 8 - g.top) / g.lead))
	bodyTop := g.top + float64(k)*g.lead
	fr := frame{first: g.lines - k, full: g.lines}
	if shared != nil && fr.first < minShared {
		return placed{}, false
	}
	pages := []Page{first}
	offset := 0 // the page of column pair 0
	if fr.first < 4 {
		fr.first, offset = g.lines, 1 // no room under the opening
		bodyTop = g.top
	}
	if colPhoto {
		// A tall photo heads the left column of the first body page, so
		// its caption reads before the body, not inside a sentence.
		var items []Item
		h := l.columnPhoto(&items, r, float64(fr.first)*g.lead)
		fr.reserve = int(math.Ceil((h + 6) / g.lead))
		x := g.left
		for _, it := range items {
			it.X += x
			it.Y += bodyTop
			it.CX += x
			it.CY += bodyTop
			pages[offset].Items = append(pages[offset].Items, it)
		}
	}
	flow := l.body(r, fr)
	cols := pourArticle(flow, fr)
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
			if pi < len(pages) { // the opening's page
				pages[pi].Items = slices.Grow(pages[pi].Items, n)
			}
			for len(pages) <= pi {
				p := Page{Items: make([]Item, 0, n)}
				l.runningHead(&p, r.Section)
				pages = append(pages, p)
			}
		}
		x := g.left + float64(c%2)*(g.colW+g.gutter)
		ctop := g.top
		if pi == offset {
			ctop = bodyTop
			if c == 0 {
				ctop += float64(fr.reserve) * g.lead
			}
		}
		used := 0
		for i := range flow[cr.start:cr.end] {
			fl := &flow[cr.start+i]
			pages[pi].Items = fl.appendTo(pages[pi].Items, x, ctop+float64(used)*g.lead)
			used += fl.h
		}
		if pi == lastPage {
			bottom = math.Max(bottom, ctop+float64(used)*g.lead)
		}
	}
	if bottom == 0 {
		bottom = bodyTop // no body
	}
	return placed{pages: pages, top: top, bottom: bottom}, true
}

// opening draws the article's head across the text block and returns the y
// below it.
func (l *layouter) opening(items *[]Item, r *issue.Review, top float64, photo bool) float64 {
	g := l.g
	y := top
	*items = append(*items, Item{Kind: KRule, X: g.left, Y: y, W: g.textW, Stroke: 2, Color: accent})
	y = l.place(items, l.plain(r.Section, SansBold, 9, accent, g.textW), 9, 16, g.left, y+4, 0, 0, SansBold)
	size, lines := l.display(r.Title, SerifBold, ink, g.textW, []float64{30, 22, 16}, 3)
	y = l.place(items, lines, size, size*1.1, g.left, y+2, 0, 0, SerifBold)
	if r.Deck != "" {
		size, lines := l.display(r.Deck, SerifItalic, grey, g.textW*0.85, []float64{14, 11}, 3)
		y = l.place(items, lines, size, size*1.28, g.left, y+4, 0, 0, SerifItalic)
	}
	y += 6
	if meta := l.metaLine(r); len(meta) > 0 {
		ln := textLine{}
		x := 0.0
		for _, m := range meta {
			ln.frags = append(ln.frags, frag{x: x, w: m.w, face: m.face, color: m.color, text: m.text, actual: m.actual})
			x += m.w
		}
		*items = appendLine(*items, ln, 9, g.left, y+l.baseline(Sans, 9, 14))
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
		y = l.place(items, l.lines(inl, paraStyle{face: Sans, size: 8.5, color: grey}, g.textW), 8.5, 12, g.left, y+2, 0, 0, Sans)
	}
	if r.Opens != "" {
		inl := []issue.Inline{{Text: l.iss.OpensLabel(r.Section) + ": ", Style: issue.Bold}, {Text: r.Opens}}
		y = l.place(items, l.lines(inl, paraStyle{face: Sans, size: 8.5, color: grey}, g.textW), 8.5, 12, g.left, y, 0, 0, Sans)
	}
	if r.Photo != nil && photo {
		y = l.openingPhoto(items, r, y+10, top)
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

// openingPhoto places the photo across the text block, or a tall photo at
// the left with its caption beside it; the credit sits under the photo.
func (l *layouter) openingPhoto(items *[]Item, r *issue.Review, y, top float64) float64 {
	g := l.g
	ph := r.Photo
	pw, phh := l.photoSize(r)
	w := g.textW
	h := w * phh / pw
	maxH := float64(g.lines) * g.lead * 0.42
	if top > g.top { // sharing a page: keep room for the body
		maxH = math.Min(maxH, (g.bottom-top)*0.4)
	}
	img := Item{Kind: KImage, X: g.left, Y: y}
	switch {
	case h <= maxH:
	default:
		// A little too tall: keep the full width and crop top and bottom.
		img.Clip, img.CX, img.CY, img.CW, img.CH = true, g.left, y, w, maxH
		img.Y = y - (h-maxH)/2
		h = maxH
	}
	iw := w
	ih := iw * phh / pw
	img.W, img.H = iw, ih
	img.Photo = l.photo(r, iw, ih)
	*items = append(*items, img)
	bottom := y + h
	if ph.Credit != "" {
		bottom = l.place(items, l.plain(ph.Credit, Sans, 6.5, grey, w), 6.5, 8, g.left, bottom+1, 1, w, Sans)
	}
	if ph.Caption != "" {
		st := paraStyle{face: SerifItalic, size: 8.5, color: ink}
		cl := l.lines([]issue.Inline{{Text: ph.Caption}}, st, g.textW*0.85)
		bottom = l.place(items, cl, 8.5, 11, g.left, bottom+1, 0, 0, SerifItalic)
	}
	return bottom + 4
}

// tallPhoto reports whether a photo would lose too much to a crop across
// the text block: such photos head the left column instead.
func (l *layouter) tallPhoto(r *issue.Review) bool {
	pw, ph := l.photoSize(r)
	return ph/pw > 0.9
}

// columnPhoto places a photo at the column's width from (0, 0), cropped
// to at most 60% of the column height avail, with credit and caption
// under it; it returns the height used.
func (l *layouter) columnPhoto(items *[]Item, r *issue.Review, avail float64) float64 {
	g := l.g
	pw, phh := l.photoSize(r)
	w := g.colW
	h := w * phh / pw
	img := Item{Kind: KImage, W: w, H: h}
	if maxH := avail * 0.6; h > maxH {
		img.Clip, img.CW, img.CH = true, w, maxH
		img.Y = -(h - maxH) / 2
		h = maxH
	}
	img.Photo = l.photo(r, img.W, img.H)
	*items = append(*items, img)
	bottom := h
	ph := r.Photo
	if ph.Credit != "" {
		bottom = l.place(items, l.plain(ph.Credit, Sans, 6.5, grey, w), 6.5, 8, 0, bottom+1, 1, w, Sans)
	}
	if ph.Caption != "" {
		cl := l.lines([]issue.Inline{{Text: ph.Caption}}, paraStyle{face: SerifItalic, size: 8.5, color: ink}, w)
		bottom = l.place(items, cl, 8.5, 11, 0, bottom+1, 0, 0, SerifItalic)
	}
	return bottom
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
