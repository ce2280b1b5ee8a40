package pdf

import (
	"fmt"
	"math"

	"github.com/foliopress/folio/issue"
)

// coverPPI is the resolution the cover photo is printed at, at least:
// a photo too small to fill its place at this resolution is printed
// larger, and the build warns (Document.Warnings).
const coverPPI = 150.0

// cover lays out page 1 on a dark ground: the masthead at the top, the
// lead photo under it at its own shape, as large as its place and
// coverPPI allow, and cover lines for the first three reviews at the foot.
func (l *layouter) cover() (Page, error) {
	g := l.g
	p := Page{}
	p.Items = append(p.Items, Item{Kind: KRect, W: g.pageW, H: g.pageH, Color: ink})

	// The masthead: as large as fits, up to 64 pt.
	name := l.iss.Magazine
	size := 64.0
	if w := l.fs.runsWidth(l.fs.runs(SerifBold, name), size); w > g.textW {
		size *= g.textW / w
	}
	mast := l.plain(name, SerifBold, size, white, g.textW*2)
	l.placeIn(l.doc.elem("H1", docElem), &p.Items, mast[:1], size, size, g.left, 92-size*0.85, 0.5, g.textW, SerifBold)
	p.Items = append(p.Items, Item{Kind: KRule, X: g.left, Y: 108, W: g.textW, Stroke: 0.75, Color: white})
	line := fmt.Sprintf("Issue No. %d  ·  %s", l.iss.Number, l.iss.DateLabel())
	l.placeIn(l.doc.elem("P", docElem), &p.Items, l.plain(line, Sans, 10, white, g.textW), 10, 14, g.left, 114, 0.5, g.textW, Sans)

	// Cover lines: section, title and stars of the first three reviews,
	// set first so the photo knows how much room is left.
	var lines []Item
	y := 0.0
	reviews := l.iss.Reviews()
	coverLines := l.doc.elem("L", docElem)
	for i, r := range reviews[:min(3, len(reviews))] {
		if i > 0 {
			y += 8
		}
		li := l.doc.elem("LBody", l.doc.elem("LI", coverLines))
		y = l.placeIn(l.doc.elem("P", li), &lines, l.plain(r.Section, SansBold, 8, gold, g.textW), 8, 12, g.left, y, 0, 0, SansBold)
		size, tl := l.display(r.Title, SerifBold, white, g.textW*0.8, []float64{20, 15}, 1)
		y = l.placeIn(l.doc.elem("P", li), &lines, tl, size, size*1.15, g.left, y, 0, 0, SerifBold)
		if r.Rating != nil {
			stars := r.Rating.Stars()
			ln := textLine{frags: []frag{{w: l.fs.width(Symbol, stars, 11), face: Symbol, color: gold, text: stars, actual: r.Rating.Words(), elem: l.words(li, r.Rating.Words())}}}
			y = l.place(&lines, []textLine{ln}, 11, 15, g.left, y, 0, 0, Symbol)
		}
	}
	top := g.pageH - 44 - y
	lead := l.iss.Lead()
	if lead != nil && lead.Photo != nil {
		l.coverPhoto(&p, lead, 146, top-24)
	}
	for _, it := range lines {
		it.Y += top
		p.Items = append(p.Items, it)
	}
	if lead != nil && lead.Photo != nil {
		if lead.Photo.Credit != "" {
			c := "Cover: " + lead.Title + " · Photo: " + lead.Photo.Credit
			l.placeIn(l.doc.elem("P", docElem), &p.Items, l.plain(c, Sans, 6.5, white, g.textW), 6.5, 9, g.left, g.pageH-28, 1, g.textW, Sans)
		}
	}
	return p, nil
}

// coverPhoto places the lead photo between y0 and y1, at its own shape,
// centred: as large as the place allows but no larger than coverPPI
// allows, unless that would leave it smaller than the text block is wide,
// when it is printed larger and the document carries a warning.
func (l *layouter) coverPhoto(p *Page, r *issue.Review, y0, y1 float64) {
	g := l.g
	pw, ph := l.photoSize(r)
	fit := math.Min(g.pageW/pw, (y1-y0)/ph) // points per pixel
	s := math.Min(fit, 72/coverPPI)
	if pw*s < math.Min(g.textW, pw*fit) {
		s = math.Min(fit, g.textW/pw)
		l.doc.Warnings = append(l.doc.Warnings, fmt.Sprintf("cover: the photo of %s (%s, %.0f×%.0f px) prints at %.0f ppi, under %.0f: use one at least %.0f px wide",
			r.Source, r.Photo.Path, pw, ph, 72/s, coverPPI, math.Ceil(g.textW/72*coverPPI)))
	}
	w, h := pw*s, ph*s
	x := (g.pageW - w) / 2
	y := y0 + (y1-y0-h)/2
	fig := l.doc.elem("Figure", docElem)
	l.doc.Elems[fig-1].Alt = r.Photo.AltText(r.Title)
	p.Items = append(p.Items, Item{Kind: KImage, X: x, Y: y, W: w, H: h, Photo: l.photo(r, w, h), Elem: fig})
}
