package pdf

import "sort"

// filled is the share of a page's text block that holds something:
// for each column, the heights its text lines, photos and rules cover
// (gaps under two grid lines, between paragraphs, count as covered),
// averaged over both columns. Running heads and page numbers do not count.
func (g geometry) filled(p Page) float64 {
	cols := [2][][2]float64{}
	add := func(x0, x1, y0, y1 float64) {
		for c := range 2 {
			cx0 := g.left + float64(c)*(g.colW+g.gutter)
			if x1 > cx0+1 && x0 < cx0+g.colW-1 {
				cols[c] = append(cols[c], [2]float64{max(y0, g.top), min(y1, g.bottom)})
			}
		}
	}
	for _, it := range p.Items {
		if it.Furniture {
			continue
		}
		switch it.Kind {
		case KText:
			add(it.X, it.X+max(it.W, 1), it.Y-it.Size*0.8, it.Y+it.Size*0.25)
		case KImage:
			x, y, w, h := it.X, it.Y, it.W, it.H
			if it.Clip {
				x, y, w, h = it.CX, it.CY, it.CW, it.CH
			}
			add(x, x+w, y, y+h)
		case KRule:
			add(it.X, it.X+max(it.W, 1), it.Y, it.Y+max(it.H, 1))
		}
	}
	total := 0.0
	for _, iv := range cols {
		sort.Slice(iv, func(i, j int) bool { return iv[i][0] < iv[j][0] })
		covered, end := 0.0, g.top
		for _, v := range iv {
			if v[1] <= end {
				continue
			}
			start := v[0]
			if start-end < 2*g.lead {
				start = end // a gap between paragraphs is part of the text
			}
			covered += v[1] - max(start, end)
			end = v[1]
		}
		total += covered / (g.bottom - g.top)
	}
	return total / 2
}
