package pdf

import (
	"fmt"
	"strconv"
	"strings"

	"folio.example/folio/issue"
)

// contents lays out the contents pages: entries grouped by section, each
// with its page number, title, deck, byline and rating, and a link over
// the whole entry. starts holds each review's first page; nil lays out
// with placeholder numbers, to count the pages.
func (l *layouter) contents(starts []int, tops []float64) []Page {
	g := l.g
	pages := []Page{{}}
	p := &pages[0]
	y := g.top - 20
	y = l.place(&p.Items, l.plain("Contents", SerifBold, 40, ink, g.textW), 40, 44, g.left, y, 0, 0, SerifBold)
	sub := fmt.Sprintf("%s  ·  Issue No. %d  ·  %s", l.iss.Magazine, l.iss.Number, l.iss.DateLabel())
	y = l.place(&p.Items, l.plain(sub, Sans, 9, grey, g.textW), 9, 14, g.left, y+2, 0, 0, Sans)
	p.Items = append(p.Items, Item{Kind: KRule, X: g.left, Y: y + 6, W: g.textW, Stroke: 2, Color: accent})
	y += 22
	i := 0
	const numW = 46.0
	textW := g.textW*0.78 - numW
	for _, s := range l.iss.Sections {
		if len(s.Reviews) == 0 {
			continue
		}
		head := l.plain(s.Name, SansBold, 10, accent, g.textW)
		for k, r := range s.Reviews {
			num := "00"
			if starts != nil {
				num = strconv.Itoa(starts[i])
			}
			i++
			entry := l.contentsEntry(r, num, textW)
			h := entry.h
			if k == 0 {
				h += 26
			}
			if y+h > g.bottom {
				pages = append(pages, Page{})
				p = &pages[len(pages)-1]
				y = g.top
			}
			if k == 0 {
				y = l.place(&p.Items, head, 10, 14, g.left, y+4, 0, 0, SansBold)
				p.Items = append(p.Items, Item{Kind: KRule, X: g.left, Y: y + 2, W: g.textW, Stroke: 0.5, Color: hair})
				y += 8
			}
			for _, it := range entry.items {
				it.X += g.left
				it.Y += y
				p.Items = append(p.Items, it)
			}
			if starts != nil {
				p.Items = append(p.Items, Item{Kind: KLink, X: g.left, Y: y, W: g.textW, H: entry.h - 6, Target: starts[i-1], TargetY: tops[i-1]})
			}
			y += entry.h
		}
	}
	return pages
}

type block struct {
	items []Item
	h     float64
}

// contentsEntry is one entry, laid out from (0, 0).
func (l *layouter) contentsEntry(r *issue.Review, num string, textW float64) block {
	var items []Item
	const numW = 46.0
	nw := l.fs.width(SansBold, num, 18)
	items = append(items, Item{Kind: KText, X: numW - 12 - nw, Y: l.baseline(SansBold, 18, 20), Face: SansBold, Size: 18, Color: accent, Text: num, W: nw})
	y := l.place(&items, l.plain(r.Title, SerifBold, 14, ink, textW), 14, 17, numW, 0, 0, 0, SerifBold)
	if r.Deck != "" {
		y = l.place(&items, l.plain(r.Deck, SerifItalic, 10, grey, textW), 10, 13, numW, y+1, 0, 0, SerifItalic)
	}
	var parts []string
	if b := strings.TrimSpace(r.Byline); b != "" {
		parts = append(parts, b)
	}
	if r.Rating != nil {
		parts = append(parts, r.Rating.Stars())
	}
	if len(parts) > 0 {
		y = l.place(&items, l.plain(strings.Join(parts, "   "), Sans, 8.5, ink, textW), 8.5, 13, numW, y+2, 0, 0, Sans)
	}
	return block{items: items, h: y + 14}
}
