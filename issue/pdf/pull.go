package pdf

import (
	"math"
	"slices"
	"sort"

	"github.com/foliopress/folio/issue"
)

// pullQuote sets the front matter's pull quote between rules as one
// unbreakable block a whole number of grid lines tall; a quote too long for
// that is set at body size, one grid line a line, so it can break.
func (l *layouter) pullQuote(text string, elem int32) []flowLine {
	g := l.g
	const size, lead = 14.0, 17.0
	lines := l.lines([]issue.Inline{{Text: text}}, paraStyle{face: SerifItalic, size: size, color: accent}, g.colW-8)
	var items []Item
	items = append(items, Item{Kind: KRule, X: 0, Y: 4, W: g.colW, Stroke: 1.5, Color: accent})
	end := l.placeIn(elem, &items, lines, size, lead, 4, 10, 0, 0, SerifItalic)
	items = append(items, Item{Kind: KRule, X: 0, Y: end + 5, W: g.colW, Stroke: 0.5, Color: accent})
	h := int(math.Ceil((end + 5 + 6) / g.lead))
	if h <= g.lines/3 {
		return []flowLine{{h: h, items: items, pull: true}}
	}
	lines = l.lines([]issue.Inline{{Text: text}}, paraStyle{face: SerifItalic, size: g.body, color: accent}, g.colW-8)
	base := l.baseline(SerifItalic, g.body, g.lead)
	out := []flowLine{{h: 1, pull: true, items: []Item{{Kind: KRule, X: 0, Y: g.lead / 2, W: g.colW, Stroke: 1.5, Color: accent}}}}
	for _, ln := range lines {
		items := appendLine(nil, ln, g.body, 4, base)
		tagItems(items, 0, elem)
		out = append(out, flowLine{h: 1, keep: true, items: items})
	}
	return append(out, flowLine{h: 1, keep: true, items: []Item{{Kind: KRule, X: 0, Y: g.lead / 2, W: g.colW, Stroke: 0.5, Color: accent}}})
}

// insertPull puts the pull quote at a paragraph boundary near the middle of
// the article where it neither opens a column after a gap nor strands
// text: boundaries are tried from the middle outwards.
func (b *bodyFlow) insertPull(pq []flowLine, fr frame) {
	cands := append([]int(nil), b.boundaries...)
	if len(cands) > 1 {
		cands = cands[1:] // never before the drop cap
	}
	if len(cands) == 0 {
		b.lines = append(b.lines, pq...)
		return
	}
	mid := len(b.lines) / 2
	sort.SliceStable(cands, func(i, j int) bool { return abs(cands[i]-mid) < abs(cands[j]-mid) })
	best := cands[0]
	var trial []flowLine // one buffer for every trial
	for _, at := range cands[:min(len(cands), 8)] {
		trial = insertLine(trial[:0], b.lines, at, pq)
		cols := pourArticle(trial, fr)
		if pullFits(trial, cols, at, fr) {
			best = at
			break
		}
	}
	b.lines = insertLine(nil, b.lines, best, pq)
}

// insertLine appends to out the lines with fl inserted before index at.
func insertLine(out, lines []flowLine, at int, fl []flowLine) []flowLine {
	out = slices.Grow(out, len(lines)+len(fl))
	out = append(out, lines[:at]...)
	out = append(out, fl...)
	return append(out, lines[at:]...)
}

// pullFits reports whether the pull quote at index at sits inside a column,
// or at a column's top only when the column before it is full.
func pullFits(lines []flowLine, cols []colRange, at int, fr frame) bool {
	for c, cr := range cols {
		if at < cr.start || at >= cr.end {
			continue
		}
		if at > cr.start || c == 0 {
			return true
		}
		prev := cols[c-1]
		return height(lines, prev.start, prev.end) >= fr.capOf(c-1)-1
	}
	return false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
