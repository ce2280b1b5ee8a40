package main

import "math"

// spine is one book on a shelf: its left edge, width, height and colour.
type spine struct {
	x, w, h float64
	col     rgb
	label   bool
}

// shelfRow lays out books along a shelf from a fixed hash, so the same
// shelf comes out every run.
func shelfRow(row int, palette []rgb) []spine {
	var out []spine
	x := 0.03
	for i := 0; x < aspect-0.03; i++ {
		w := 0.035 + 0.045*hash(row, i, 1)
		if x+w > aspect-0.03 {
			break
		}
		out = append(out, spine{
			x: x, w: w,
			h:     0.29 + 0.11*hash(row, i, 2),
			col:   palette[int(hash(row, i, 3)*float64(len(palette)))],
			label: hash(row, i, 4) < 0.6,
		})
		x += w + 0.003
	}
	return out
}

// bookshelf is two shelves of atlases and novels in a dim room lit from
// the upper left.
func bookshelf() scene {
	wall, wood, gold, label := hex("#1d1b2e"), hex("#6b4a2f"), hex("#d9b35b"), hex("#efe3c8")
	palette := []rgb{hex("#23395b"), hex("#b5651d"), hex("#7a1f2b"), hex("#2e5e4e"), hex("#4a5568"), hex("#c9b28a"), hex("#3d2c5c")}
	bases := []float64{0.46, 0.94}
	rows := [][]spine{shelfRow(0, palette), shelfRow(1, palette)}
	return func(x, y float64) rgb {
		c := wall
		for r, base := range bases {
			for _, b := range rows[r] {
				if x < b.x-px || x > b.x+b.w+px {
					continue
				}
				top := base - b.h
				d := box(x, y, b.x, top, b.x+b.w, base)
				u := (x - b.x) / b.w
				col := scale(b.col, 0.6+0.4*math.Sin(math.Pi*clamp(u)))
				for _, band := range []float64{top + 0.03, base - 0.04} {
					col = mix(col, gold, cover(math.Abs(y-band)-0.003))
				}
				if b.label {
					lb := box(x, y, b.x+b.w*0.2, top+0.07, b.x+b.w*0.8, top+0.15)
					col = mix(col, scale(label, 0.6+0.4*math.Sin(math.Pi*clamp(u))), cover(lb))
				}
				c = mix(c, col, cover(d))
			}
			board := box(x, y, 0, base, aspect, base+0.035)
			c = mix(c, mix(wood, scale(wood, 0.6), (y-base)/0.035), cover(board))
		}
		light := 0.35 + 0.75*math.Exp(-((x-0.25)*(x-0.25)+(y+0.1)*(y+0.1))/0.6)
		return scale(c, light)
	}
}
