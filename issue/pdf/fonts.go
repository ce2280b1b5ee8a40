package pdf

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/liberation/liberationmonoregular"
	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansitalic"
	"github.com/go-fonts/liberation/liberationsansregular"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/foliopress/folio/assets"
)

// Face names one of the typefaces the magazine is set in.
type Face uint8

const (
	// Serif and its styles are Gentium Book Plus, the text face.
	Serif Face = iota
	SerifItalic
	SerifBold
	SerifBoldItalic
	// Sans and its styles are Liberation Sans: labels and furniture.
	Sans
	SansBold
	SansItalic
	Mono
	// Symbol is DejaVu Sans: the stars and the glyphs the faces above lack.
	Symbol
	// CJK is Droid Sans Fallback: Chinese, Japanese and Korean.
	CJK
	numFaces
)

// ErrBadFont is wrapped by errors about a font that cannot be used.
var ErrBadFont = errors.New("pdf: bad font")

type faceSpec struct {
	family, style, name string
	ttf                 []byte // nil for the CJK face until font reads it
}

// font returns the face's font file.
func (s faceSpec) font() ([]byte, error) {
	if s.ttf != nil {
		return s.ttf, nil
	}
	ttf, err := cjkFont()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrBadFont, s.name, err)
	}
	return ttf, nil
}

// cjkFont is the CJK face's font file, read once per process when a build
// first sets a character only it has.
var cjkFont = sync.OnceValues(func() ([]byte, error) { return assets.Font(assets.DroidSansFallback) })

// faceSpecs lists the font files behind each Face, in Face order. The
// embedded files are read once per process.
var faceSpecs = sync.OnceValues(func() ([numFaces]faceSpec, error) {
	var specs [numFaces]faceSpec
	embedded := []struct {
		face       Face
		file       string
		style, nom string
	}{
		{Serif, assets.GentiumRegular, "", "Gentium Book Plus Regular"},
		{SerifItalic, assets.GentiumItalic, "I", "Gentium Book Plus Italic"},
		{SerifBold, assets.GentiumBold, "B", "Gentium Book Plus Bold"},
		{SerifBoldItalic, assets.GentiumBoldItalic, "BI", "Gentium Book Plus Bold Italic"},
		{CJK, assets.DroidSansFallback, "", "Droid Sans Fallback"},
	}
	for _, e := range embedded {
		if e.face == CJK {
			// Read on first use (faceSpec.font): most issues never need
			// its 3.3 MB.
			specs[e.face] = faceSpec{family: "cjk", style: e.style, name: e.nom}
			continue
		}
		ttf, err := assets.Font(e.file)
		if err != nil {
			return specs, fmt.Errorf("%w: %s: %w", ErrBadFont, e.nom, err)
		}
		specs[e.face] = faceSpec{family: "serif", style: e.style, name: e.nom, ttf: ttf}
	}
	specs[Sans] = faceSpec{"sans", "", "Liberation Sans Regular", liberationsansregular.TTF}
	specs[SansBold] = faceSpec{"sans", "B", "Liberation Sans Bold", liberationsansbold.TTF}
	specs[SansItalic] = faceSpec{"sans", "I", "Liberation Sans Italic", liberationsansitalic.TTF}
	specs[Mono] = faceSpec{"mono", "", "Liberation Mono Regular", liberationmonoregular.TTF}
	specs[Symbol] = faceSpec{"symbol", "", "DejaVu Sans", dejavusans.TTF}
	return specs, nil
})

// fontData is one parsed font with its advance widths and kerning in
// thousandths of an em, rounded as fpdf rounds widths, so measured and
// drawn widths agree.
type fontData struct {
	spec   faceSpec
	sf     *sfnt.Font
	upem   fixed.Int26_6
	buf    sfnt.Buffer
	widths map[rune]int32 // -1: the font lacks the glyph
	// low caches widths of the first runes (Latin, punctuation) without
	// hashing: 0 is not yet looked up, else the width plus two.
	low       [lowRunes]int32
	kerns     kernCache
	capHeight float64 // in ems
	xHeight   float64
	ascent    float64
	// ligatures: the face's f-ligatures replace their letters (not in
	// code, and the CJK face has none).
	ligatures bool
	// lazy: the face is parsed on first use (load).
	lazy bool
}

// fontSet holds every face of one build. It is not safe for concurrent use.
type fontSet struct {
	f       [numFaces]*fontData
	scratch breakScratch // paragraph's and setParagraph's working memory
}

// parsedFonts are every face parsed with sfnt before fpdf sees them, so
// that a broken font is a clear error here instead of a silent blank in
// fpdf. sfnt.Font is safe for concurrent use: the font sets of one build
// share them, each with caches of its own (newFontSet).
type parsedFonts [numFaces]*fontData

// parseFonts parses every face but the CJK one, large and seldom
// needed, which a set parses on first use.
func parseFonts() (*parsedFonts, error) {
	specs, err := faceSpecs()
	if err != nil {
		return nil, err
	}
	var out parsedFonts
	for i, spec := range specs {
		if Face(i) == CJK {
			out[i] = &fontData{spec: spec, lazy: true}
			continue
		}
		fd, err := parseFont(spec, Face(i))
		if err != nil {
			return nil, err
		}
		out[i] = fd
	}
	return &out, nil
}

// newFontSet is a font set over parsed fonts, with empty caches.
func (p *parsedFonts) newFontSet() *fontSet {
	fs := &fontSet{}
	for i, fd := range p {
		c := &fontData{spec: fd.spec, sf: fd.sf, upem: fd.upem, widths: map[rune]int32{}, capHeight: fd.capHeight,
			xHeight: fd.xHeight, ascent: fd.ascent, ligatures: fd.ligatures, lazy: fd.lazy}
		fs.f[i] = c
	}
	return fs
}

// loadFonts parses every face into a new font set.
func loadFonts() (*fontSet, error) {
	p, err := parseFonts()
	if err != nil {
		return nil, err
	}
	return p.newFontSet(), nil
}

// load parses a lazy face on first use; a face that fails to parse has
// no glyphs, so its characters are spelled out instead (printable).
func (fd *fontData) load() bool {
	if !fd.lazy {
		return fd.sf != nil
	}
	fd.lazy = false
	p, err := parseFont(fd.spec, CJK)
	if err != nil {
		return false
	}
	fd.sf, fd.upem, fd.capHeight, fd.xHeight, fd.ascent = p.sf, p.upem, p.capHeight, p.xHeight, p.ascent
	return true
}

func parseFont(spec faceSpec, face Face) (*fontData, error) {
	ttf, err := spec.font()
	if err != nil {
		return nil, err
	}
	sf, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrBadFont, spec.name, err)
	}
	fd := &fontData{spec: spec, sf: sf, upem: fixed.Int26_6(sf.UnitsPerEm()), widths: map[rune]int32{}}
	if fd.upem <= 0 {
		return nil, fmt.Errorf("%w: %s: units per em %d", ErrBadFont, spec.name, fd.upem)
	}
	probe := "Hx ’“”"
	if face == CJK {
		probe = "映画"
	}
	for _, r := range probe {
		if _, ok := fd.advance(r); !ok {
			return nil, fmt.Errorf("%w: %s: no glyph for %q", ErrBadFont, spec.name, r)
		}
	}
	m, err := sf.Metrics(&fd.buf, fd.upem<<6, font.HintingNone)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: metrics: %w", ErrBadFont, spec.name, err)
	}
	fd.capHeight = float64(m.CapHeight) / float64(fd.upem<<6)
	fd.xHeight = float64(m.XHeight) / float64(fd.upem<<6)
	fd.ascent = float64(m.Ascent) / float64(fd.upem<<6)
	if fd.capHeight <= 0 {
		fd.capHeight = 0.7
	}
	if fd.xHeight <= 0 {
		fd.xHeight = 0.5
	}
	fd.ligatures = face != Mono && face != CJK
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
	if !fd.load() {
		return w
	}
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

// faceFor picks the face that draws r: f itself, else the Symbol face,
// else the CJK face. A rune no face has stays in f; callers replace such
// runes with words first (printable).
func (fs *fontSet) faceFor(f Face, r rune) Face {
	switch {
	case fs.has(f, r):
		return f
	case fs.has(Symbol, r):
		return Symbol
	case fs.has(CJK, r):
		return CJK
	}
	return f
}

// covered reports whether some face draws r.
func (fs *fontSet) covered(r rune) bool {
	return fs.has(Serif, r) || fs.has(Symbol, r) || fs.has(CJK, r) || fs.has(Sans, r)
}

// width measures s in face f at size points, kerned, with no fallback:
// callers split text into runs by coverage first.
func (fs *fontSet) width(f Face, s string, size float64) float64 {
	fd := fs.f[f]
	var total int64
	prev := rune(-1)
	for _, r := range s {
		w, _ := fd.advance(r)
		if w > 0 {
			total += int64(w)
		}
		if prev >= 0 {
			total += int64(fd.kern(prev, r))
		}
		prev = r
		if r == ' ' {
			prev = -1
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
// lacks (★ ☆, Han characters) in a fallback face, and characters no face
// has replaced by their names (printable). Spaces stay with the run
// before them.
func (fs *fontSet) runs(f Face, s string) []run {
	s = fs.printable(s)
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
