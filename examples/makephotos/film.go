package main

import "math"

// orchard is a retro sunset over receding rows of round trees, for a film
// about an apple orchard losing ground to the sea.
func orchard() scene {
	skyTop, skyMid, skyLow := hex("#2b1e4a"), hex("#b8527a"), hex("#f7b267")
	sunHi, sunLo := hex("#fff1b8"), hex("#ff8c5a")
	salt, soilNear, soilFar := hex("#eadbc8"), hex("#170f20"), hex("#4a3450")
	leafFar, leafNear, rim := hex("#6a4a6e"), hex("#1a1024"), hex("#ffb27a")
	fruit := hex("#c8324a")
	const horizon, sunX, sunY, sunR = 0.60, 0.86, 0.47, 0.17
	return func(x, y float64) rgb {
		c := gradient(y/horizon, skyTop, skyMid, skyLow)
		d := math.Hypot(x-sunX, y-sunY)
		c = add(c, skyLow, 0.35*math.Exp(-d*d/0.03))
		// The sun is cut by bands that thicken towards the horizon.
		band := math.Mod((y-sunY)/0.032+8, 1)
		gap := smooth(0, horizon-sunY, y-sunY) * 0.75
		if y < sunY || band > gap {
			c = mix(c, gradient((y-sunY+sunR)/(2*sunR), sunHi, sunLo), cover(d-sunR))
		}
		if y >= horizon {
			g := (y - horizon) / (1 - horizon)
			c = mix(salt, mix(soilFar, soilNear, g), smooth(0, 0.05, g))
		}
		for k := range 5 {
			c = treeRow(c, x, y, k, mix(leafFar, leafNear, float64(k)/4), rim, fruit, sunX, sunY)
		}
		return c
	}
}

// treeRow draws row k of the orchard (0 is farthest) over c.
func treeRow(c rgb, x, y float64, k int, leaf, rim, fruit rgb, sunX, sunY float64) rgb {
	kf := float64(k)
	spacing := 0.07 * (1 + 0.85*kf)
	r := spacing * 0.36
	base := 0.63 + 0.06*kf + 0.018*kf*kf
	off := float64(k%2) * spacing / 2
	i := math.Round((x - off) / spacing)
	cx := off + i*spacing + (hash(k, int(i))-0.5)*spacing*0.12
	cy := base - r*1.35
	trunk := box(x, y, cx-r*0.1, cy, cx+r*0.1, base)
	c = mix(c, scale(leaf, 0.8), cover(trunk))
	shadow := mix(c, scale(leaf, 0.55), 0.5*cover(math.Abs(y-base-0.004)-0.004)*smooth(r*1.4, 0, math.Abs(x-cx)))
	c = shadow
	d := circle(x, y, cx, cy, r)
	if d < px {
		// Light the canopy from the sun's side.
		nx, ny := (x-cx)/r, (y-cy)/r
		lx, ly := sunX-cx, sunY-cy
		l := math.Hypot(lx, ly)
		lit := math.Max(0, (nx*lx+ny*ly)/l)
		fill := mix(leaf, rim, 0.45*lit*lit*lit*(1-0.15*kf))
		fill = apples(fill, fruit, x, y, cx, cy, r, k, int(i), lit)
		c = mix(c, fill, cover(d))
	}
	return c
}

// apples dots a canopy with a few fruit, placed by hash so every tree
// differs but every run agrees.
func apples(c, fruit rgb, x, y, cx, cy, r float64, k, i int, lit float64) rgb {
	for a := range 6 {
		ang := 2 * math.Pi * hash(k, i, a, 1)
		dist := r * (0.25 + 0.55*hash(k, i, a, 2))
		ax, ay := cx+dist*math.Cos(ang), cy+dist*math.Sin(ang)
		c = mix(c, add(scale(fruit, 0.55+0.25*float64(k)/4), fruit, 0.4*lit), cover(circle(x, y, ax, ay, r*0.075)))
	}
	return c
}

// planetarium is a star field and a constellation over a dark dome whose
// slit lets out a projector's beam.
func planetarium() scene {
	skyNear, skyFar := hex("#27407a"), hex("#070b1e")
	star, line, moon := hex("#fdf6e3"), hex("#8fb3ff"), hex("#f4e7c5")
	dome, beam := hex("#0c1124"), hex("#ffd58a")
	pts := [][2]float64{{0.18, 0.42}, {0.3, 0.3}, {0.46, 0.34}, {0.58, 0.2}, {0.74, 0.26}, {0.86, 0.14}}
	const domeX, domeY, domeR = 0.95, 1.02, 0.36
	return func(x, y float64) rgb {
		c := mix(skyNear, skyFar, smooth(0, 1.1, math.Hypot(x-domeX, y-domeY)))
		const cell = 0.03
		ci, cj := math.Floor(x/cell), math.Floor(y/cell)
		if h := hash(int(ci), int(cj), 7); h < 0.5 {
			sx := (ci + 0.2 + 0.6*hash(int(ci), int(cj), 1)) * cell
			sy := (cj + 0.2 + 0.6*hash(int(ci), int(cj), 2)) * cell
			r := 0.0008 + 0.0022*hash(int(ci), int(cj), 3)
			d := math.Hypot(x-sx, y-sy)
			c = add(c, star, cover(d-r)+0.25*math.Exp(-d*d/(r*r*8)))
		}
		for i := 0; i+1 < len(pts); i++ {
			d := segment(x, y, pts[i][0], pts[i][1], pts[i+1][0], pts[i+1][1])
			c = mix(c, line, 0.45*cover(d-0.0012))
		}
		for _, p := range pts {
			d := math.Hypot(x-p[0], y-p[1])
			c = mix(c, star, cover(d-0.006))
			c = add(c, line, 0.35*math.Exp(-d*d/0.0004))
		}
		crescent := math.Max(circle(x, y, 1.28, 0.18, 0.07), -circle(x, y, 1.31, 0.16, 0.065))
		c = mix(c, moon, cover(crescent))
		c = add(c, moon, 0.12*math.Exp(-math.Pow(circle(x, y, 1.28, 0.18, 0.07), 2)/0.002))
		// The beam widens upwards from the slit, fading as it goes.
		if y < domeY-domeR+0.02 {
			t := (domeY - domeR - y) / (domeY - domeR)
			half := 0.012 + 0.16*t
			k := smooth(half, half*0.6, math.Abs(x-domeX)) * (1 - t) * 0.45
			c = add(c, beam, k)
		}
		d := circle(x, y, domeX, domeY, domeR)
		c = mix(c, add(dome, skyNear, 0.5), cover(math.Abs(d)-0.002))
		c = mix(c, dome, cover(d))
		slit := box(x, y, domeX-0.012, domeY-domeR, domeX+0.012, domeY-domeR*0.45)
		c = mix(c, mix(beam, dome, smooth(domeY-domeR, domeY-domeR*0.45, y)), cover(slit))
		base := box(x, y, domeX-domeR-0.08, 0.93, domeX+domeR+0.08, 1.1)
		return mix(c, scale(dome, 0.8), cover(base))
	}
}
