package pdf

import (
	"strconv"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
)

// textRun gathers consecutive text items on one baseline in one face,
// size and colour, and writes them as a single text object: one TJ whose
// adjustments put each item exactly where its own Text call would have.
// fpdf's Text costs a Sprintf and a q…Q per item, and per-word operators
// made the page streams (and their compression) several times larger.
type textRun struct {
	open  bool
	face  Face
	size  float64
	color RGB
	y     float64
	end   float64 // where the last item's advance ends, in points
	buf   []byte
}

// fits reports whether it continues the open run.
func (tr *textRun) fits(it *Item) bool {
	return tr.open && it.Face == tr.face && it.Size == tr.size && it.Color == tr.color && it.Y == tr.y
}

// add appends it to the run, opening one if needed; h is the page height
// (PDF's y axis points up) and w the item's advance in points.
func (tr *textRun) add(it *Item, h, w float64) {
	if !tr.open {
		tr.open = true
		tr.face, tr.size, tr.color, tr.y = it.Face, it.Size, it.Color, it.Y
		tr.buf = append(tr.buf[:0], "q "...)
		tr.buf = appendRGB(tr.buf, it.Color)
		tr.buf = append(tr.buf, " rg BT "...)
		tr.buf = strconv.AppendFloat(tr.buf, it.X, 'f', 2, 64)
		tr.buf = append(tr.buf, ' ')
		tr.buf = strconv.AppendFloat(tr.buf, h-it.Y, 'f', 2, 64)
		tr.buf = append(tr.buf, " Td ["...)
	} else if gap := it.X - tr.end; gap != 0 {
		// A TJ number moves left by thousandths of the font size.
		tr.buf = strconv.AppendFloat(tr.buf, -gap*1000/tr.size, 'f', 2, 64)
	}
	tr.buf = appendUTF16Lit(tr.buf, it.Text)
	tr.end = it.X + w
}

// flush writes the open run, if any.
func (tr *textRun) flush(pdf *fpdf.Fpdf) {
	if !tr.open {
		return
	}
	tr.buf = append(tr.buf, "] TJ ET Q"...)
	pdf.RawWriteStr(string(tr.buf))
	tr.open = false
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
