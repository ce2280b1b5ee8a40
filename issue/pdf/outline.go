package pdf

import (
	"math"
	"strconv"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// glyphKey names one glyph of one face.
type glyphKey struct {
	face Face
	r    rune
}

// outline fills each glyph's outline as a path, so the text is seen but
// not extracted: running heads stay out of the article's sentences. Each
// glyph's path is made once, in font units, as a form XObject (our fpdf
// patch), and placed with a matrix that scales it to the size and flips
// it upright; moving between glyphs is a translation by the advance. The
// page streams carry a short "Do" per glyph, where the paths written out
// on every page were four tenths of them.
func (dr *drawer) outline(it Item, pageH float64) {
	fd := dr.fs.f[it.Face]
	upem := float64(fd.upem)
	k := it.Size / upem
	b := append(dr.out[:0], "q "...)
	b = appendRGB(b, it.Color)
	b = append(b, " rg "...)
	b = strconv.AppendFloat(b, k, 'f', -1, 64)
	b = append(b, " 0 0 "...)
	b = strconv.AppendFloat(b, -k, 'f', -1, 64)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, it.X, 'f', -1, 64)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, pageH-it.Y, 'f', -1, 64)
	b = append(b, " cm\n"...)
	var move float64 // font units not yet translated by
	for _, r := range it.Text {
		if name := dr.glyph(it.Face, r); name != "" {
			if move != 0 {
				b = append(b, "1 0 0 1 "...)
				b = strconv.AppendFloat(b, move, 'f', -1, 64)
				b = append(b, " 0 cm\n"...)
				move = 0
			}
			b = append(b, '/')
			b = append(b, name...)
			b = append(b, " Do\n"...)
		}
		adv, _ := fd.advance(r)
		move += float64(adv) * upem / 1000
	}
	b = append(b, 'Q')
	dr.out = b
	dr.pdf.RawWriteStr(string(b))
}

// glyph returns the name of the form that fills r's outline in face f as
// closed subpaths in font units (y down, as sfnt gives them), adding the
// form on first use, or "" for a blank glyph.
func (dr *drawer) glyph(f Face, r rune) string {
	key := glyphKey{f, r}
	if name, ok := dr.glyphs[key]; ok {
		return name
	}
	if dr.glyphs == nil {
		dr.glyphs = map[glyphKey]string{}
	}
	fd := dr.fs.f[f]
	name := ""
	gi, err := fd.sf.GlyphIndex(&dr.buf, r)
	if err == nil && gi != 0 {
		segs, err := fd.sf.LoadGlyph(&dr.buf, gi, fd.upem<<6, nil)
		if err == nil && len(segs) > 0 {
			name = "G" + strconv.Itoa(int(f)) + "u" + strconv.FormatInt(int64(r), 16)
			dr.pdf.AddFormXObject(name, segBounds(segs), appendPath(nil, segs))
		}
	}
	dr.glyphs[key] = name
	return name
}

// segBounds is the box of every point of segs, control points included,
// which holds the curves they draw.
func segBounds(segs []sfnt.Segment) [4]float64 {
	minX, minY := fixed.Int26_6(math.MaxInt32), fixed.Int26_6(math.MaxInt32)
	maxX, maxY := fixed.Int26_6(math.MinInt32), fixed.Int26_6(math.MinInt32)
	for _, s := range segs {
		n := 1
		switch s.Op {
		case sfnt.SegmentOpQuadTo:
			n = 2
		case sfnt.SegmentOpCubeTo:
			n = 3
		}
		for _, p := range s.Args[:n] {
			minX, maxX = min(minX, p.X), max(maxX, p.X)
			minY, maxY = min(minY, p.Y), max(maxY, p.Y)
		}
	}
	return [4]float64{float64(minX) / 64, float64(minY) / 64, float64(maxX) / 64, float64(maxY) / 64}
}

// appendPath writes segs as path operators. A quadratic segment becomes
// "v" with its control point, the same curve the drawer has always drawn.
func appendPath(b []byte, segs []sfnt.Segment) []byte {
	pt := func(b []byte, p fixed.Point26_6) []byte {
		b = strconv.AppendFloat(b, float64(p.X)/64, 'f', -1, 64)
		b = append(b, ' ')
		return strconv.AppendFloat(b, float64(p.Y)/64, 'f', -1, 64)
	}
	open := false
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			if open {
				b = append(b, "h\n"...)
			}
			b = append(pt(b, s.Args[0]), " m\n"...)
			open = true
		case sfnt.SegmentOpLineTo:
			b = append(pt(b, s.Args[0]), " l\n"...)
		case sfnt.SegmentOpQuadTo:
			b = pt(b, s.Args[0])
			b = append(b, ' ')
			b = append(pt(b, s.Args[1]), " v\n"...)
		case sfnt.SegmentOpCubeTo:
			b = pt(b, s.Args[0])
			b = append(b, ' ')
			b = pt(b, s.Args[1])
			b = append(b, ' ')
			b = append(pt(b, s.Args[2]), " c\n"...)
		}
	}
	if open {
		b = append(b, "h\nf\n"...)
	}
	return b
}
