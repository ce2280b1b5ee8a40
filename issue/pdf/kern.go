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
// for some hundred thousand pairs, of a few thousand kinds.
type kernCache struct {
	low   []int16  // kernLow×kernLow, allocated on first use
	known []uint64 // bits: low[i] holds a value
	high  map[uint32]int16
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
		if c.low == nil {
			c.low = make([]int16, kernLow*kernLow)
			c.known = make([]uint64, kernLow*kernLow/64+1)
		}
		i := int(a)*kernLow + int(b)
		if c.known[i/64]&(1<<(i%64)) != 0 {
			return int32(c.low[i])
		}
		v := fd.lookupKern(a, b)
		c.low[i], c.known[i/64] = v, c.known[i/64]|1<<(i%64)
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
