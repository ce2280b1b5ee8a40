package pdf

import (
	"math"

	"golang.org/x/image/font"
)

// kernLow is the rune range whose pairs are cached in a table: Latin,
// Latin-1 and Latin Extended-A, where nearly all text and kerning is.
const kernLow = 0x180

// kernCache remembers each pair's kerning as it is first asked for:
// sfnt reads a GPOS pair adjustment in about 600 ns, and an issue asks
// for some hundred thousand pairs, of a few thousand kinds. Pairs below
// kernLow sit in a row per first rune, made when that rune first kerns:
// text starts its pairs with some seventy runes, so the rows take a
// fifth of a whole kernLow×kernLow table, of fresh memory a build would
// otherwise fault in for every face.
type kernCache struct {
	low  [kernLow]*kernRow
	high map[uint32]int16
}

// kernRow is the kerning of one rune before each rune below kernLow.
type kernRow struct {
	v     [kernLow]int16
	known [kernLow / 64]uint64 // bits: v[i] holds a value
}

// kern is the kerning between runes a and b in thousandths of an em,
// rounded as fpdf rounds widths, or 0. Pairs with a space, and pairs
// the font cannot place, do not kern.
func (fd *fontData) kern(a, b rune) int32 {
	if a == ' ' || b == ' ' || a < 0 || b < 0 || a > 0xFFFF || b > 0xFFFF {
		return 0
	}
	c := &fd.kerns
	if a < kernLow && b < kernLow {
		row := c.low[a]
		if row == nil {
			row = new(kernRow)
			c.low[a] = row
		}
		if row.known[b/64]&(1<<(b%64)) != 0 {
			return int32(row.v[b])
		}
		v := fd.lookupKern(a, b)
		row.v[b], row.known[b/64] = v, row.known[b/64]|1<<(b%64)
		return int32(v)
	}
	key := uint32(a)<<16 | uint32(b)
	if v, ok := c.high[key]; ok {
		return int32(v)
	}
	if c.high == nil {
		c.high = map[uint32]int16{}
	}
	v := fd.lookupKern(a, b)
	c.high[key] = v
	return int32(v)
}

// lookupKern reads a pair's kerning from the font's GPOS or kern table.
func (fd *fontData) lookupKern(a, b rune) int16 {
	if !fd.load() {
		return 0
	}
	ga, err1 := fd.sf.GlyphIndex(&fd.buf, a)
	gb, err2 := fd.sf.GlyphIndex(&fd.buf, b)
	if err1 != nil || err2 != nil || ga == 0 || gb == 0 {
		return 0
	}
	k, err := fd.sf.Kern(&fd.buf, ga, gb, fd.upem<<6, font.HintingNone)
	if err != nil {
		return 0
	}
	return int16(math.Round(float64(k) * 1000 / float64(fd.upem<<6)))
}
