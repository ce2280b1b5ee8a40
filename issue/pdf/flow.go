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
	items []Item
	// body marks a justified body line, for statistics.
	ratio float64
	pull  bool // the pull quote, which must not open a column after a gap
}

// colRange is the lines [start, end) that fill one column.
type colRange struct{ start, end int }

// fill pours lines from index from into columns of the capacities capOf
// gives (in grid lines), honouring keep: a break goes before the last line
// that allows one. maxCols bounds the columns (0: no bound); fill reports
// whether every line found a place.
func fill(lines []flowLine, from int, capOf func(col int) int, maxCols int) ([]colRange, bool) {
	var cols []colRange
	i := from
	for i < len(lines) {
		if maxCols > 0 && len(cols) == maxCols {
			return cols, false
		}
		c := capOf(len(cols))
		for i < len(lines) && lines[i].space {
			i++
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
			}
		}
		if i == start && i < len(lines) {
			i++ // a block taller than the column: place it anyway
		}
		cols = append(cols, colRange{start, i})
	}
	return cols, true
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

// pourArticle fills an article's flow into two-column pages: the first page
// has firstCap grid lines per column, later pages fullCap. The last page's
// columns are balanced: the shortest equal height that holds the rest.
func pourArticle(lines []flowLine, firstCap, fullCap int) []colRange {
	capOf := func(col int) int {
		if col < 2 {
			return firstCap
		}
		return fullCap
	}
	cols, _ := fill(lines, 0, capOf, 0)
	if len(cols) == 0 {
		return cols
	}
	lastPage := (len(cols) - 1) / 2
	from := cols[lastPage*2].start
	pageCap := fullCap
	if lastPage == 0 {
		pageCap = firstCap
	}
	total := height(lines, from, len(lines))
	for h := int(math.Ceil(float64(total) / 2)); h <= pageCap; h++ {
		bal, ok := fill(lines, from, func(int) int { return h }, 2)
		if ok {
			return append(cols[:lastPage*2:lastPage*2], bal...)
		}
	}
	return cols
}
