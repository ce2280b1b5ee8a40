package pdf

import (
	"fmt"
	"math"
)

// cover lays out page 1: the lead photo bleeding off every edge, the
// masthead on a dark band at the top, and cover lines for the first three
// reviews on a band at the foot.
func (l *layouter) cover() (Page, error) {
	g := l.g
	p := Page{}
	lead := l.iss.Lead()
	if lead != nil && lead.Photo != nil {
		pw, ph := l.photoSize(lead)
		// Cover the page, cropping the overflow evenly.
		s := math.Max(g.pageW/pw, g.pageH/ph)
		w, h := pw*s, ph*s
		idx := l.photo(lead, w, h)
		p.Items = append(p.Items, Item{Kind: KImage, X: (g.pageW - w) / 2, Y: (g.pageH - h) / 2, W: w, H: h, Photo: idx, Clip: true, CW: g.pageW, CH: g.pageH})
	} else {
		p.Items = append(p.Items, Item{Kind: KRect, W: g.pageW, H: g.pageH, Color: ink})
	}
	// Cover lines: section, title and stars of the first three reviews,
	// set first so the band behind them fits their height.
	var lines []Item
	y := 0.0
	reviews := l.iss.Reviews()
	for i, r := range reviews[:min(3, len(reviews))] {
		if i > 0 {
			y += 8
		}
		y = l.place(&lines, l.plain(r.Section, SansBold, 8, gold, g.textW), 8, 12, g.left, y, 0, 0, SansBold)
		size, tl := l.display(r.Title, SerifBold, white, g.textW*0.8, []float64{20, 15}, 1)
		y = l.place(&lines, tl, size, size*1.15, g.left, y, 0, 0, SerifBold)
		if r.Rating != nil {
			stars := r.Rating.Stars()
			ln := textLine{frags: []frag{{w: l.fs.width(Symbol, stars, 11), face: Symbol, color: gold, text: stars, actual: r.Rating.Words()}}}
			y = l.place(&lines, []textLine{ln}, 11, 15, g.left, y, 0, 0, Symbol)
		}
	}
	top := g.pageH - 44 - y
	band := g.pageH - top + 20
	p.Items = append(p.Items,
		Item{Kind: KRect, W: g.pageW, H: 150, Color: RGB{0, 0, 0}, Alpha: 0.55},
		Item{Kind: KRect, Y: g.pageH - band, W: g.pageW, H: band, Color: RGB{0, 0, 0}, Alpha: 0.6})
	for _, it := range lines {
		it.Y += top
		p.Items = append(p.Items, it)
	}

	// The masthead: as large as fits, up to 64 pt.
	name := l.iss.Magazine
	size := 64.0
	if w := l.fs.runsWidth(l.fs.runs(SerifBold, name), size); w > g.textW {
		size *= g.textW / w
	}
	mast := l.plain(name, SerifBold, size, white, g.textW*2)
	l.place(&p.Items, mast[:1], size, size, g.left, 92-size*0.85, 0.5, g.textW, SerifBold)
	p.Items = append(p.Items, Item{Kind: KRule, X: g.left, Y: 108, W: g.textW, Stroke: 0.75, Color: white})
	line := fmt.Sprintf("Issue No. %d  ·  %s", l.iss.Number, l.iss.DateLabel())
	l.place(&p.Items, l.plain(line, Sans, 10, white, g.textW), 10, 14, g.left, 114, 0.5, g.textW, Sans)

	if lead != nil && lead.Photo != nil && lead.Photo.Credit != "" {
		c := "Cover: " + lead.Title + " · Photo: " + lead.Photo.Credit
		l.place(&p.Items, l.plain(c, Sans, 6.5, white, g.textW), 6.5, 9, g.left, g.pageH-28, 1, g.textW, Sans)
	}
	return p, nil
}
