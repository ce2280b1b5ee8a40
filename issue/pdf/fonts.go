package pdf

import (
	"errors"
	"fmt"
	"math"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/liberation/liberationmonoregular"
	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansitalic"
	"github.com/go-fonts/liberation/liberationsansregular"
	"github.com/go-fonts/liberation/liberationserifbold"
	"github.com/go-fonts/liberation/liberationserifbolditalic"
	"github.com/go-fonts/liberation/liberationserifitalic"
	"github.com/go-fonts/liberation/liberationserifregular"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Face names one of the typefaces the magazine is set in.
type Face uint8

const (
	Serif Face = iota
	SerifItalic
	SerifBold
	SerifBoldItalic
	Sans
	SansBold
	SansItalic
	Mono
	// Symbol is DejaVu Sans: the stars and every glyph the others lack.
	Symbol
	numFaces
)

// ErrBadFont is wrapped by errors about a font that cannot be used.
var ErrBadFont = errors.New("pdf: bad font")

type faceSpec struct {
	family, style, name string
	ttf                 []byte
}

// faceSpecs lists the font files behind each Face, in Face order.
func faceSpecs() [numFaces]faceSpec {
	return [numFaces]faceSpec{
		{"serif", "", "Liberation Serif Regular", liberationserifregular.TTF},
		{"serif", "I", "Liberation Serif Italic", liberationserifitalic.TTF},
		{"serif", "B", "Liberation Serif Bold", liberationserifbold.TTF},
		{"serif", "BI", "Liberation Serif Bold Italic", liberationserifbolditalic.TTF},
		{"sans", "", "Liberation Sans Regular", liberationsansregular.TTF},
		{"sans", "B", "Liberation Sans Bold", liberationsansbold.TTF},
		{"sans", "I", "Liberation Sans Italic", liberationsansitalic.TTF},
		{"mono", "", "Liberation Mono Regular", liberationmonoregular.TTF},
		{"symbol", "", "DejaVu Sans", dejavusans.TTF},
	}
}

// fontData is one parsed font with its advance widths in thousandths of an
// em, rounded as fpdf rounds them, so measured and drawn widths agree.
type fontData struct {
	spec   faceSpec
	sf     *sfnt.Font
	upem   fixed.Int26_6
	buf    sfnt.Buffer
	widths map[rune]int32 // -1: the font lacks the glyph
	// low caches widths of the first runes (Latin, punctuation) without
	// hashing: 0 is not yet looked up, else the width plus two.
	low       [lowRunes]int32
	capHeight float64 // in ems
	ascent    float64
}

// fontSet holds every face of one build. It is not safe for concurrent use.
type fontSet struct {
	f       [numFaces]*fontData
	scratch breakScratch // paragraph's and setParagraph's working memory
}

// loadFonts parses every face with sfnt first, so that a broken font is a
// clear error here instead of a silent blank in fpdf.
func loadFonts() (*fontSet, error) {
	fs := &fontSet{}
	for i, spec := range faceSpecs() {
		fd, err := parseFont(spec)
		if err != nil {
			return nil, err
		}
		fs.f[i] = fd
	}
	return fs, nil
}

func parseFont(spec faceSpec) (*fontData, error) {
	sf, err := sfnt.Parse(spec.ttf)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrBadFont, spec.name, err)
	}
	fd := &fontData{spec: spec, sf: sf, upem: fixed.Int26_6(sf.UnitsPerEm()), widths: map[rune]int32{}}
	if fd.upem <= 0 {
		return nil, fmt.Errorf("%w: %s: units per em %d", ErrBadFont, spec.name, fd.upem)
	}
	for _, r := range "Hx ’“”" {
		if _, ok := fd.advance(r); !ok {
			return nil, fmt.Errorf("%w: %s: no glyph for %q", ErrBadFont, spec.name, r)
		}
	}
	m, err := sf.Metrics(&fd.buf, fd.upem<<6, font.HintingNone)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: metrics: %w", ErrBadFont, spec.name, err)
	}
	fd.capHeight = float64(m.CapHeight) / float64(fd.upem<<6)
	fd.ascent = float64(m.Ascent) / float64(fd.upem<<6)
	if fd.capHeight <= 0 {
		fd.capHeight = 0.7
	}
	return fd, nil
}

// lowRunes is how many runes from U+0000 fontData.low caches.
const lowRunes = 0x2100

// advance is the rune's advance in thousandths of an em.
func (fd *fontData) advance(r rune) (int32, bool) {
	if r >= 0 && r < lowRunes {
		if v := fd.low[r]; v != 0 {
			return v - 2, v >= 2
		}
		w := fd.lookup(r)
		fd.low[r] = w + 2
		return w, w >= 0
	}
	if w, ok := fd.widths[r]; ok {
		return w, w >= 0
	}
	w := fd.lookup(r)
	fd.widths[r] = w
	return w, w >= 0
}

// lookup reads the rune's advance from the font: -1 when it has no glyph.
func (fd *fontData) lookup(r rune) int32 {
	w := int32(-1)
	gi, err := fd.sf.GlyphIndex(&fd.buf, r)
	if err == nil && gi != 0 && r <= 0xFFFF { // fpdf embeds only the BMP
		adv, err := fd.sf.GlyphAdvance(&fd.buf, gi, fd.upem<<6, font.HintingNone)
		if err == nil {
			w = int32(math.Round(float64(adv) * 1000 / float64(fd.upem<<6)))
		}
	}
	return w
}

// has reports whether face f has a glyph for r.
func (fs *fontSet) has(f Face, r rune) bool {
	_, ok := fs.f[f].advance(r)
	return ok
}

// faceFor picks the face that draws r: f itself, else the Symbol face.
func (fs *fontSet) faceFor(f Face, r rune) Face {
	if fs.has(f, r) {
		return f
	}
	if fs.has(Symbol, r) {
		return Symbol
	}
	return f
}

// width measures s in face f at size points, with no fallback: callers
// split text into runs by coverage first.
func (fs *fontSet) width(f Face, s string, size float64) float64 {
	fd := fs.f[f]
	var total int64
	for _, r := range s {
		w, _ := fd.advance(r)
		if w > 0 {
			total += int64(w)
		}
	}
	return float64(total) * size / 1000
}

// run is text in a single face.
type run struct {
	Face Face
	Text string
}

// runs splits s into runs by glyph coverage: letters in face f, anything f
// lacks (★ ☆) in the Symbol face. Spaces stay with the run before them.
func (fs *fontSet) runs(f Face, s string) []run {
	var out []run
	start, cur := 0, Face(255)
	for i, r := range s {
		rf := cur
		if r != ' ' || cur == 255 {
			rf = fs.faceFor(f, r)
		}
		if rf != cur {
			if cur != 255 && i > start {
				out = append(out, run{cur, s[start:i]})
			}
			start, cur = i, rf
		}
	}
	if start < len(s) {
		out = append(out, run{cur, s[start:]})
	}
	return out
}

// runsWidth measures runs at size points.
func (fs *fontSet) runsWidth(rs []run, size float64) float64 {
	w := 0.0
	for _, r := range rs {
		w += fs.width(r.Face, r.Text, size)
	}
	return w
}
