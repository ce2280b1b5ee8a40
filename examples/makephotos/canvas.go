package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
)

// Width and Height are the size of every sample photo: 3:2 landscape.
const (
	Width  = 1200
	Height = 800
	// aspect is the scene's x extent: scenes see x in [0, aspect) and y
	// in [0, 1), y downwards, so shapes keep their proportions.
	aspect = float64(Width) / Height
	// px is one pixel in scene units; edges blur over it to stay smooth.
	px = 1.0 / Height
	// jpegQuality trades size for fidelity; 82 keeps gradients clean.
	jpegQuality = 82
)

// rgb is a colour with channels in [0, 1].
type rgb struct{ R, G, B float64 }

// scene colours one point of a picture.
type scene func(x, y float64) rgb

// hex parses "#rrggbb"; it is only ever given literals in this program.
func hex(s string) rgb {
	var r, g, b uint8
	if _, err := fmt.Sscanf(s, "#%02x%02x%02x", &r, &g, &b); err != nil {
		panic("makephotos: bad colour literal " + s)
	}
	return rgb{float64(r) / 255, float64(g) / 255, float64(b) / 255}
}

// mix blends a towards b by t (0 keeps a, 1 gives b).
func mix(a, b rgb, t float64) rgb {
	t = clamp(t)
	return rgb{a.R + (b.R-a.R)*t, a.G + (b.G-a.G)*t, a.B + (b.B-a.B)*t}
}

// add lightens c with light scaled by k, as a lamp adds to a wall.
func add(c, light rgb, k float64) rgb {
	return rgb{c.R + light.R*k, c.G + light.G*k, c.B + light.B*k}
}

// scale darkens or brightens c by k.
func scale(c rgb, k float64) rgb { return rgb{c.R * k, c.G * k, c.B * k} }

func clamp(t float64) float64 { return math.Max(0, math.Min(1, t)) }

// smooth is the Hermite step from 0 at e0 to 1 at e1.
func smooth(e0, e1, x float64) float64 {
	t := clamp((x - e0) / (e1 - e0))
	return t * t * (3 - 2*t)
}

// cover turns a signed distance (negative inside) into coverage with a
// one-pixel soft edge, so shapes are anti-aliased without supersampling.
func cover(d float64) float64 { return clamp(0.5 - d/px) }

// circle is the signed distance to a circle.
func circle(x, y, cx, cy, r float64) float64 { return math.Hypot(x-cx, y-cy) - r }

// box is the signed distance to an axis-aligned rectangle.
func box(x, y, x0, y0, x1, y1 float64) float64 {
	dx := math.Max(x0-x, x-x1)
	dy := math.Max(y0-y, y-y1)
	if dx <= 0 && dy <= 0 {
		return math.Max(dx, dy)
	}
	return math.Hypot(math.Max(dx, 0), math.Max(dy, 0))
}

// segment is the distance to the line segment from (ax, ay) to (bx, by).
func segment(x, y, ax, ay, bx, by float64) float64 {
	vx, vy := bx-ax, by-ay
	t := clamp(((x-ax)*vx + (y-ay)*vy) / (vx*vx + vy*vy))
	return math.Hypot(x-ax-t*vx, y-ay-t*vy)
}

// gradient samples evenly spaced colour stops at t in [0, 1].
func gradient(t float64, stops ...rgb) rgb {
	t = clamp(t) * float64(len(stops)-1)
	i := int(t)
	if i >= len(stops)-1 {
		return stops[len(stops)-1]
	}
	return mix(stops[i], stops[i+1], t-float64(i))
}

// hash maps integers to a fixed pseudo-random number in [0, 1): the same
// inputs give the same number on every run (splitmix64 finaliser).
func hash(vals ...int) float64 {
	z := uint64(0x9e3779b97f4a7c15)
	for _, v := range vals {
		z ^= uint64(int64(v)) + 0x9e3779b97f4a7c15 + (z << 6) + (z >> 2)
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		z ^= z >> 31
	}
	return float64(z>>11) / (1 << 53)
}

// render draws s at w×h, sampling each pixel's centre.
func render(s scene, w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for j := range h {
		y := (float64(j) + 0.5) / float64(h)
		for i := range w {
			x := (float64(i) + 0.5) / float64(h)
			c := s(x, y)
			img.SetRGBA(i, j, color.RGBA{to8(c.R), to8(c.G), to8(c.B), 255})
		}
	}
	return img
}

func to8(v float64) uint8 { return uint8(math.Round(clamp(v) * 255)) }

// encode writes img as "jpeg" or "png".
func encode(img image.Image, format string) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch format {
	case "jpeg":
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality})
	case "png":
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		err = enc.Encode(&buf, img)
	default:
		return nil, fmt.Errorf("makephotos: unknown format %q", format)
	}
	if err != nil {
		return nil, fmt.Errorf("makephotos: encode %s: %w", format, err)
	}
	return buf.Bytes(), nil
}
