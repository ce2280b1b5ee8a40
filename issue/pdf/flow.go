package pdf

import "math"

// flowLine is one unit of a column's flow: usually a line of text one grid
// line tall, sometimes a taller block (a pull quote) or a discardable space.
type flowLine struct {
	h    int  // height in grid lines
	keep bool // no column break before this line (widows, orphans, headings)
	// space lines vanish at the top of a column.
	space bool
	// items are relative: X from the column's left, Y from the line's top.
	// before are drawn ahead of the line's text (a list item's marker,
	// which reads first), items after it.
	before, items []Item
	// text, when size is set, is a set line with its baseline's start at
	// (tx, ty), relative as items are and drawn before them: its items
	// are made only when the line is poured onto a page, rather than once
	// for the flow and copied again for the page.
	text         textLine
	size, tx, ty float64
	// body marks a justified body line, for statistics.
	ratio float64
	pull  bool // the pull quote, which must not open a column after a gap
	// elem is the structure element of the line's text (numbered within
	// its body, like its items' Elem).
	elem int32
}

// numItems is how many items the line puts on a page.
func (fl *flowLine) numItems() int {
	n := len(fl.before) + len(fl.items)
	if fl.size > 0 {
		n += lineItems(fl.text)
	}
	return n
}

// lineItems is how many items appendLine adds for ln.
func lineItems(ln textLine) int {
	n := len(ln.frags)
	for _, f := range ln.frags {
		if f.url != "" {
			n++
		}
		if f.strike {
			n++
		}
		if f.actual != "" {
			n += 2
		}
	}
	n += 2 * ln.head
	if ln.tail != "" {
		n += 2
	}
	return n
}

// appendTo adds the line's items to a page's, the line's top-left at x, y.
// Its items' structure elements, numbered within the body, are offset by
// base, where the body's elements start in the document's.
func (fl *flowLine) appendTo(items []Item, x, y float64, base int32) []Item {
	from := len(items)
	for _, it := range fl.before {
		it.X += x
		it.Y += y
		items = append(items, it)
	}
	if fl.size > 0 {
		n := len(items)
		items = appendLine(items, fl.text, fl.size, x+fl.tx, y+fl.ty)
		tagItems(items, n, fl.elem)
	}
	for _, it := range fl.items {
		it.X += x
		it.Y += y
		items = append(items, it)
	}
	for i := from; i < len(items); i++ {
		if items[i].Elem != 0 {
			items[i].Elem += base
		}
	}
	return items
}

// colRange is the lines [start, end) that fill one column.
type colRange struct{ start, end int }

// fill pours lines from index from into columns of the capacities capOf
// gives (in grid lines), honouring keep: a break goes before the last line
// that allows one. A column of no capacity stays empty. maxCols bounds the
// columns (0: no bound). fill reports whether every line found a place and
// whether every keep was honoured.
func fill(lines []flowLine, from int, capOf func(col int) int, maxCols int) (cols []colRange, ok, clean bool) {
	clean = true
	i := from
	for i < len(lines) {
		if maxCols > 0 && len(cols) == maxCols {
			return cols, false, clean
		}
		c := capOf(len(cols))
		for i < len(lines) && lines[i].space {
			i++
		}
		if c <= 0 {
			cols = append(cols, colRange{i, i})
			continue
		}
		start, used := i, 0
		for i < len(lines) && used+lines[i].h <= c {
			used += lines[i].h
			i++
		}
		if i < len(lines) && i > start {
			b := i
			for b > start && lines[b].keep {
				b--
			}
			if b > start {
				i = b
			} else if lines[i].keep {
				clean = false
			}
		}
		if i == start && i < len(lines) {
			i++ // a block taller than the column: place it anyway
			clean = false
		}
		cols = append(cols, colRange{start, i})
	}
	return cols, true, clean
}

// height sums the grid lines of lines [s, e), not counting leading spaces.
func height(lines []flowLine, s, e int) int {
	for s < e && lines[s].space {
		s++
	}
	h := 0
	for _, l := range lines[s:e] {
		h += l.h
	}
	return h
}

// frame is an article's column heights in grid lines: the first page's
// columns, then full pages; column reserveCol (1 on the first page, or 3,
// the next page's right) is shortened by reserve lines, under a photo.
type frame struct {
	first, full, reserve, reserveCol int
}

// pageCap is the height of column c before any reserve.
func (f frame) pageCap(c int) int {
	if c < 2 {
		return f.first
	}
	return f.full
}

// res is the reserve of column c.
func (f frame) res(c int) int {
	if c == f.reserveCol {
		return f.reserve
	}
	return 0
}

func (f frame) capOf(c int) int { return f.pageCap(c) - f.res(c) }

// pourArticle fills an article's flow into two-column pages. The last
// page's columns are balanced: they end at the same height, the lowest
// that holds the rest of the article.
func pourArticle(lines []flowLine, fr frame) []colRange {
	cols, _, _ := fill(lines, 0, fr.capOf, 0)
	if len(cols) == 0 {
		return cols
	}
	lastPage := (len(cols) - 1) / 2
	c0 := lastPage * 2
	from := cols[c0].start
	pageCap := fr.pageCap(c0)
	total := height(lines, from, len(lines))
	for h := int(math.Ceil(float64(total+fr.res(c0)+fr.res(c0+1)) / 2)); h <= pageCap; h++ {
		bal, ok, clean := fill(lines, from, func(c int) int { return h - fr.res(c0+c) }, 2)
		if ok && clean {
			return append(cols[:c0:c0], bal...)
		}
	}
	return cols
}
