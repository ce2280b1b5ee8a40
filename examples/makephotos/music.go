package main

import "math"

// vinyl is a record sliding out of its sleeve, whose cover shows a sun
// over banded water.
func vinyl() scene {
	bgTop, bgLow := hex("#1f6f78"), hex("#123b52")
	sleeve, sun, wave1, wave2 := hex("#efe6d2"), hex("#e4572e"), hex("#16324f"), hex("#2a7f8a")
	black, label, ring := hex("#0d0d0f"), hex("#e4572e"), hex("#f3a712")
	const rx, ry, rr = 0.98, 0.5, 0.38
	return func(x, y float64) rgb {
		c := mix(bgTop, bgLow, y)
		// Sleeve: cream square with its own little poster.
		s := box(x, y, 0.14, 0.12, 0.9, 0.88)
		c = mix(c, scale(c, 0.6), 0.6*smooth(0.04, 0, box(x, y, 0.16, 0.14, 0.92, 0.9)))
		if s < px {
			art := sleeve
			art = mix(art, sun, cover(circle(x, y, 0.52, 0.44, 0.15)))
			for k := range 4 {
				wy := 0.55 + float64(k)*0.07 + 0.015*math.Sin(x*22+float64(k))
				if y > wy && y < 0.86 {
					art = []rgb{wave2, wave1}[k%2]
				}
			}
			c = mix(c, art, cover(s))
		}
		d := math.Hypot(x-rx, y-ry)
		c = mix(c, scale(c, 0.5), 0.7*smooth(rr+0.05, rr-0.01, math.Hypot(x-rx-0.015, y-ry-0.02)))
		if d < rr+px {
			groove := 0.06 + 0.025*math.Sin(d*260)
			if math.Abs(d-0.3) < 0.004 {
				groove = 0.02
			}
			a := math.Atan2(y-ry, x-rx)
			sheen := 0.22 * math.Pow(math.Abs(math.Cos(a-0.8)), 10)
			disc := add(black, rgb{1, 1, 1}, groove+sheen*smooth(0.14, 0.2, d))
			c = mix(c, disc, cover(d-rr))
		}
		c = mix(c, label, cover(d-0.13))
		c = mix(c, ring, cover(math.Abs(d-0.1)-0.004))
		return mix(c, mix(bgTop, bgLow, y), cover(d-0.011))
	}
}

// meters is a row of segmented level meters in copper tones, crossed by a
// wire, reflected in a dark floor.
func meters() scene {
	bgTop, bgLow := hex("#12343a"), hex("#06161a")
	copperLo, copperHi := hex("#8a4b23"), hex("#ffd39b")
	wire, peak := hex("#d98c4a"), hex("#fff3dc")
	const n, x0, x1, floor = 26, 0.08, 1.42, 0.8
	step := (x1 - x0) / n
	level := func(i int) float64 {
		f := float64(i)
		return 0.18 + 0.5*(0.5+0.5*math.Sin(f*0.55+0.3)*math.Cos(f*0.21-0.8)) + 0.06*hash(i, 3)
	}
	return func(x, y float64) rgb {
		c := mix(bgTop, bgLow, y)
		i := int(math.Floor((x - x0) / step))
		if i >= 0 && i < n {
			cx := x0 + (float64(i)+0.5)*step
			h := level(i)
			yy, k := y, 1.0
			if y > floor {
				yy, k = 2*floor-y, 0.25*(1-smooth(floor, 1, y))
			}
			seg := math.Mod(floor-yy, 0.028)
			col := box(x, yy, cx-step*0.36, floor-h, cx+step*0.36, floor)
			inSeg := cover(col) * cover(math.Max(0.004-seg, seg-0.024))
			c = mix(c, gradient((floor-yy)/0.7, copperLo, wire, copperHi), inSeg*k)
			cap := box(x, yy, cx-step*0.36, floor-h-0.03, cx+step*0.36, floor-h-0.022)
			c = mix(c, peak, cover(cap)*k)
		}
		wy := 0.3 + 0.09*math.Sin(x*4.2+0.5) + 0.03*math.Sin(x*11)
		d := math.Abs(y - wy)
		c = add(c, wire, 0.25*math.Exp(-d*d/0.0004))
		c = mix(c, mix(wire, peak, smooth(0.004, 0, d+0.002)), cover(d-0.004))
		return c
	}
}
