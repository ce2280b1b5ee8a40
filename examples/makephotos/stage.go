package main

import "math"

// stageLamps is a bare set: a curtain, a wooden floor, and a desk under
// three hanging lamps whose cones of light pool on the boards.
func stageLamps() scene {
	curtain, floorFar, floorNear := hex("#6b1424"), hex("#4a2e1e"), hex("#1a0f0a")
	shade, warm, paper := hex("#1f3a2e"), hex("#ffd9a0"), hex("#efe3c8")
	ink := hex("#120a08")
	lamps := []struct{ x, power float64 }{{0.42, 0.55}, {0.75, 0.9}, {1.08, 0.55}}
	const floorY, lampY = 0.74, 0.16
	return func(x, y float64) rgb {
		var c rgb
		if y < floorY {
			fold := 0.55 + 0.45*math.Pow(math.Sin(x*math.Pi*11+0.4*math.Sin(y*5)), 2)
			c = scale(curtain, fold*(0.35+0.65*smooth(0, floorY, y)))
		} else {
			g := (y - floorY) / (1 - floorY)
			c = mix(floorFar, floorNear, g)
			// Plank seams come closer together towards the back.
			seam := math.Abs(math.Mod(math.Sqrt(g)*9, 1) - 0.5)
			c = scale(c, 1-0.25*cover((0.5-seam)*0.02-0.002))
		}
		for _, l := range lamps {
			// Cones widen from the shade to the floor.
			if y > lampY && y < floorY {
				t := (y - lampY) / (floorY - lampY)
				half := 0.035 + 0.17*t
				k := smooth(half, half*0.55, math.Abs(x-l.x)) * (0.5 - 0.25*t)
				c = add(c, warm, k*l.power)
			}
			pool := math.Hypot((x-l.x)/0.22, (y-floorY-0.1)/0.06)
			c = add(c, warm, 0.45*l.power*smooth(1.1, 0.2, pool))
		}
		c = deskAndChair(c, x, y, floorY, ink, paper)
		for _, l := range lamps {
			cord := box(x, y, l.x-0.0015, 0, l.x+0.0015, lampY-0.03)
			c = mix(c, ink, cover(cord))
			w := 0.018 + 0.03*smooth(lampY-0.035, lampY, y)
			c = mix(c, shade, cover(box(x, y, l.x-w, lampY-0.035, l.x+w, lampY)))
			c = mix(c, warm, cover(circle(x, y, l.x, lampY+0.004, 0.012)))
		}
		return c
	}
}

// deskAndChair draws the bookkeeper's desk, its open ledger and a chair.
func deskAndChair(c rgb, x, y, floorY float64, ink, paper rgb) rgb {
	top := box(x, y, 0.56, floorY-0.06, 0.94, floorY-0.045)
	legs := math.Min(box(x, y, 0.58, floorY-0.05, 0.595, floorY+0.06), box(x, y, 0.905, floorY-0.05, 0.92, floorY+0.06))
	chairBack := box(x, y, 0.98, floorY-0.16, 0.995, floorY+0.07)
	chairSeat := box(x, y, 0.94, floorY-0.02, 0.995, floorY-0.005)
	chairLeg := box(x, y, 0.945, floorY-0.01, 0.958, floorY+0.07)
	d := math.Min(math.Min(top, legs), math.Min(chairBack, math.Min(chairSeat, chairLeg)))
	c = mix(c, ink, cover(d))
	book := box(x, y, 0.7, floorY-0.075, 0.8, floorY-0.06)
	c = mix(c, paper, cover(book))
	return mix(c, ink, cover(math.Abs(x-0.75)-0.0015)*cover(book))
}

// lighthouse is a flat, screen-print style poster: a tower on a rock
// sweeping its beam over banded sky and sea. Flat colours keep the PNG
// small.
func lighthouse() scene {
	sky := []rgb{hex("#1b2550"), hex("#25336b"), hex("#334685"), hex("#4a5d9e")}
	sea := []rgb{hex("#0e5a66"), hex("#0b4651"), hex("#127480"), hex("#08343d")}
	beam, moon, rock := hex("#f7d774"), hex("#f3ead0"), hex("#262533")
	red, white := hex("#d64045"), hex("#f4efe6")
	const lampX, lampY, seaY = 0.52, 0.31, 0.62
	return func(x, y float64) rgb {
		c := sky[min(int(y/seaY*4), 3)]
		c = mix(c, moon, cover(circle(x, y, 1.24, 0.17, 0.065)))
		// Two wedges of beam, one each side of the lamp.
		dx, dy := x-lampX, y-lampY
		for _, dir := range []float64{-1, 1} {
			ang := math.Atan2(dy, dx*dir)
			edge := math.Abs(ang+0.04*dir) - 0.09
			if dx*dir > 0 {
				c = mix(c, mix(c, beam, 0.55), cover(edge*math.Hypot(dx, dy)))
			}
		}
		for k := range 4 {
			wy := seaY + float64(k)*0.1 + 0.012*math.Sin(x*16+float64(k)*1.7)
			if y > wy {
				c = sea[k]
			}
		}
		c = mix(c, rock, cover(math.Hypot((x-lampX)/0.22, (y-0.655)/0.06)-1))
		// The tower tapers upwards and is banded red and white.
		t := clamp((y - 0.36) / 0.28)
		half := 0.042 + 0.03*t
		tower := math.Max(math.Abs(x-lampX)-half, math.Max(0.36-y, y-0.64))
		stripe := red
		if int((y-0.36)/0.07)%2 == 1 {
			stripe = white
		}
		c = mix(c, stripe, cover(tower))
		lantern := box(x, y, lampX-0.035, lampY-0.02, lampX+0.035, 0.36)
		c = mix(c, beam, cover(lantern))
		roof := math.Max(y-(lampY-0.02), math.Abs(x-lampX)*0.9-(y-(lampY-0.075)))
		c = mix(c, rock, cover(roof))
		return mix(c, rock, cover(box(x, y, lampX-0.05, 0.355, lampX+0.05, 0.365)))
	}
}

// windows is a night façade of dark windows with one lit, a figure in it,
// above a street lamp's glow.
func windows() scene {
	brickTop, brickLow, mortar := hex("#5e2f2a"), hex("#2a1512"), hex("#3a1d19")
	glass, frame, lit := hex("#121a2e"), hex("#1c0f0d"), hex("#ffc46b")
	lamp, figure := hex("#ffe2a8"), hex("#2b1a10")
	const cols, rows = 5, 3
	return func(x, y float64) rgb {
		c := mix(brickTop, brickLow, y)
		row := math.Floor(y / 0.025)
		shift := math.Mod(row, 2) * 0.03
		if math.Mod(y, 0.025) < 0.003 || math.Mod(x+shift, 0.06) < 0.003 {
			c = mix(c, mortar, 0.5)
		}
		c = add(c, lamp, 0.4*math.Exp(-((x-0.12)*(x-0.12)+(y-0.72)*(y-0.72))/0.03))
		// Only the window whose cell holds the point can touch it.
		i, j := int(math.Floor((x-0.1)/0.26)), int(math.Floor((y-0.04)/0.27))
		if i >= 0 && i < cols && j >= 0 && j < rows {
			x0, y0 := 0.14+float64(i)*0.26, 0.07+float64(j)*0.27
			w := box(x, y, x0-0.005, y0-0.005, x0+0.17, y0+0.205)
			c = mix(c, frame, cover(w))
			pane := box(x, y, x0+0.008, y0+0.008, x0+0.157, y0+0.192)
			in := glass
			if i == 3 && j == 1 {
				in = mix(lit, scale(lit, 0.7), (y-y0)/0.2)
				head := circle(x, y, x0+0.085, y0+0.09, 0.024)
				body := box(x, y, x0+0.045, y0+0.12, x0+0.125, y0+0.25) - 0.02
				in = mix(in, figure, cover(math.Min(head, body)))
			} else {
				in = add(in, brickTop, 0.3*smooth(0.02, 0, math.Abs((x-x0)-(y-y0)*0.6-0.05)))
			}
			c = mix(c, in, cover(pane))
			bar := math.Min(math.Abs(x-x0-0.0825), math.Abs(y-y0-0.1)) - 0.004
			c = mix(c, frame, cover(bar)*cover(pane))
		}
		post := box(x, y, 0.115, 0.74, 0.125, 1.1)
		c = mix(c, frame, cover(post))
		c = mix(c, lamp, cover(circle(x, y, 0.12, 0.72, 0.022)))
		return c
	}
}
