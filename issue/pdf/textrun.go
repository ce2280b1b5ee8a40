package pdf

import (
	"math"
	"strconv"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
)

// textRun gathers consecutive text items on one baseline in one face,
// size and colour, and writes them as a single text object: each item is
// moved to with Td by the difference of its rounded x and the previous
// item's, so every item lands on exactly the position its own Text call
// would have printed. fpdf's Text costs a Sprintf and a q…Q per item, and
// per-word operators made the page streams (and their compression) about
// twice as large.
type textRun struct {
	open  bool
	face  Face
	size  float64
	color RGB
	y     float64
	x     int64 // the last item's x in hundredths of a point, as printed
	buf   []byte
	num   []byte
}

// fits reports whether it continues the open run.
func (tr *textRun) fits(it *Item) bool {
	return tr.open && it.Face == tr.face && it.Size == tr.size && it.Color == tr.color && it.Y == tr.y
}

// add appends it to the run, opening one if needed; h is the page height
// (PDF's y axis points up) and fd the item's font, for its kerning.
func (tr *textRun) add(it *Item, h float64, fd *fontData) {
	if !tr.open {
		tr.open = true
		tr.face, tr.size, tr.color, tr.y = it.Face, it.Size, it.Color, it.Y
		tr.buf = append(tr.buf[:0], "q "...)
		tr.buf = appendRGB(tr.buf, it.Color)
		tr.buf = append(tr.buf, " rg BT 1 0 0 1 "...)
		tr.x = tr.hundredths(it.X)
		tr.buf = appendHundredths(tr.buf, tr.x)
		tr.buf = append(tr.buf, ' ')
		tr.buf = strconv.AppendFloat(tr.buf, h-it.Y, 'f', 2, 64)
		tr.buf = append(tr.buf, " Tm "...)
	} else {
		x := tr.hundredths(it.X)
		tr.buf = append(tr.buf, ' ')
		tr.buf = appendHundredths(tr.buf, x-tr.x)
		tr.buf = append(tr.buf, " 0 Td "...)
		tr.x = x
	}
	tr.buf = appendShow(tr.buf, it, fd)
}

// appendShow writes the operator that shows an item's text: Tj for text
// that needs no adjustment, else a TJ array whose numbers move each glyph
// by its kerning and each space by the justification (WS), in thousandths
// of the font size, exactly as the layout measured them.
func appendShow(b []byte, it *Item, fd *fontData) []byte {
	adjust := func(prev, r rune) float64 {
		a := -float64(fd.kern(prev, r))
		if r == ' ' && it.WS != 0 {
			// The justification goes before the space, not after it: an
			// extractor that places the space glyph and skips it (poppler)
			// then sees the gap between the words whole.
			a -= it.WS * 1000 / it.Size
		}
		return math.Round(a*100) / 100
	}
	plain := true
	prev := rune(-1)
	for _, r := range it.Text {
		if prev >= 0 && adjust(prev, r) != 0 {
			plain = false
			break
		}
		prev = r
	}
	if plain {
		b = appendUTF16Lit(b, it.Text)
		return append(b, " Tj"...)
	}
	b = append(b, '[')
	start := 0
	prev = -1
	for i, r := range it.Text {
		if prev >= 0 {
			if a := adjust(prev, r); a != 0 {
				b = appendUTF16Lit(b, it.Text[start:i])
				b = strconv.AppendFloat(b, a, 'f', -1, 64)
				start = i
			}
		}
		prev = r
	}
	b = appendUTF16Lit(b, it.Text[start:])
	return append(b, "] TJ"...)
}

// flush writes the open run, if any.
func (tr *textRun) flush(pdf *fpdf.Fpdf) {
	if !tr.open {
		return
	}
	tr.buf = append(tr.buf, " ET Q"...)
	pdf.RawWriteStr(string(tr.buf))
	tr.open = false
}

// hundredths is v printed as fpdf prints it (two decimals), read back as
// a whole number of hundredths, so that differences are exact.
func (tr *textRun) hundredths(v float64) int64 {
	tr.num = strconv.AppendFloat(tr.num[:0], v, 'f', 2, 64)
	var n int64
	neg := false
	for _, c := range tr.num {
		switch {
		case c == '-':
			neg = true
		case c >= '0' && c <= '9':
			n = n*10 + int64(c-'0')
		}
	}
	if neg {
		return -n
	}
	return n
}

// appendHundredths formats n hundredths as a decimal with two places.
func appendHundredths(b []byte, n int64) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	b = strconv.AppendInt(b, n/100, 10)
	return append(b, '.', byte('0'+n/10%10), byte('0'+n%10))
}

// appendRGB formats c as fpdf does: three fractions with three decimals.
func appendRGB(b []byte, c RGB) []byte {
	for i, v := range [3]uint8{c.R, c.G, c.B} {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendFloat(b, float64(v)/255, 'f', 3, 64)
	}
	return b
}

// appendUTF16Lit appends s as a PDF literal string of UTF-16BE code units,
// the encoding fpdf's UTF-8 fonts are shown in (Basic Multilingual Plane
// only, as fpdf embeds), escaping the bytes PDF reserves.
func appendUTF16Lit(b []byte, s string) []byte {
	b = append(b, '(')
	for _, r := range s {
		if r > 0xFFFF || r == utf8.RuneError {
			r = 0xFFFD
		}
		for _, c := range [2]byte{byte(r >> 8), byte(r)} {
			switch c {
			case '\\', '(', ')':
				b = append(b, '\\', c)
			case '\r':
				b = append(b, '\\', 'r')
			default:
				b = append(b, c)
			}
		}
	}
	return append(b, ')')
}
