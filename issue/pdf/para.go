package pdf

import (
	"strings"
	"unicode"

	"github.com/foliopress/folio/issue"
)

// piece is a run of text in one face within a word.
type piece struct {
	face   Face
	color  RGB
	strike bool
	url    string
	text   string
	w      float64
}

// paraStyle sets how a paragraph is set.
type paraStyle struct {
	face      Face // the roman face; inline styles derive from it
	size      float64
	color     RGB
	linkColor RGB
	justify   bool
	hyphenate bool
	indent    float64 // first-line indent
}

// styleFace maps an inline style onto the paragraph's face: italic toggles
// (emphasis inside an italic deck is roman), bold adds, code is mono.
func styleFace(base Face, s issue.Style) Face {
	if s&issue.Code != 0 {
		return Mono
	}
	sans := base == Sans || base == SansBold || base == SansItalic
	italic := base == SerifItalic || base == SerifBoldItalic || base == SansItalic
	bold := base == SerifBold || base == SerifBoldItalic || base == SansBold
	if s&issue.Italic != 0 {
		italic = !italic
	}
	if s&issue.Bold != 0 {
		bold = true
	}
	switch {
	case sans && bold:
		return SansBold
	case sans && italic:
		return SansItalic
	case sans:
		return Sans
	case bold && italic:
		return SerifBoldItalic
	case bold:
		return SerifBold
	case italic:
		return SerifItalic
	}
	return Serif
}

// glyph is one rune of a word with its drawing attributes.
type glyph struct {
	r      rune
	face   Face
	color  RGB
	strike bool
	url    string
}

// paraBuilder turns inline runs into Knuth–Plass items. The boxes' text
// and pieces are cut from two buffers per paragraph, text and pieces,
// rather than allocated word by word: a slice taken stays valid when a
// buffer grows, as growing copies and never writes over what was taken.
type paraBuilder struct {
	fs     *fontSet
	hy     *hyphenator
	st     paraStyle
	minW   float64 // the narrowest line: longer words get emergency breaks
	items  []kpItem
	word   []glyph
	text   strings.Builder
	pieces []piece
}

// paragraph turns inline runs into Knuth–Plass items for lines of at
// least minWidth. The items live in fs's scratch memory: they are valid
// until fs sets or builds another paragraph.
func (fs *fontSet) paragraph(hy *hyphenator, inl []issue.Inline, st paraStyle, minWidth float64) []kpItem {
	n := 0
	for _, in := range inl {
		n += len(in.Text)
	}
	// The items and pieces are built in the font set's scratch memory: the
	// caller sets the lines before it asks for another paragraph.
	sc := &fs.scratch
	if cap(sc.items) < n/2+8 {
		sc.items = make([]kpItem, 0, n/2+8)
	}
	if cap(sc.pieces) < n/5+4 {
		sc.pieces = make([]piece, 0, n/5+4)
	}
	pb := &paraBuilder{fs: fs, hy: hy, st: st, minW: minWidth, items: sc.items[:0], pieces: sc.pieces[:0]}
	defer func() { sc.items, sc.pieces = pb.items[:0], pb.pieces[:0] }()
	pb.text.Grow(n + 8)
	if st.indent > 0 {
		pb.items = append(pb.items, kpItem{kind: kBox, w: st.indent})
	}
	for _, in := range inl {
		f := styleFace(st.face, in.Style)
		c := st.color
		if in.URL != "" {
			c = st.linkColor
		}
		for _, r := range in.Text {
			if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
				pb.space()
				continue
			}
			if unicode.IsControl(r) || r == '\u00ad' {
				continue // soft hyphens and controls never print
			}
			pb.word = append(pb.word, glyph{r: r, face: fs.faceFor(f, r), color: c, strike: in.Style&issue.Strike != 0, url: in.URL})
		}
		if in.Break {
			pb.flush()
			pb.items = append(pb.items, kpItem{kind: kGlue, stretch: fil}, kpItem{kind: kPenalty, pen: -infPenalty})
		}
	}
	pb.flush()
	// A paragraph ends with fil glue and a forced break.
	pb.trimGlue()
	pb.items = append(pb.items, kpItem{kind: kPenalty, pen: infPenalty}, kpItem{kind: kGlue, stretch: fil}, kpItem{kind: kPenalty, pen: -infPenalty})
	return pb.items
}

func (pb *paraBuilder) trimGlue() {
	for len(pb.items) > 0 && pb.items[len(pb.items)-1].kind != kBox {
		last := pb.items[len(pb.items)-1]
		if last.kind == kPenalty && last.pen <= -infPenalty {
			return
		}
		pb.items = pb.items[:len(pb.items)-1]
	}
}

// space ends a word and adds an interword glue in the word's face.
func (pb *paraBuilder) space() {
	if len(pb.word) == 0 {
		return
	}
	f := pb.word[len(pb.word)-1].face
	pb.flush()
	w := pb.fs.width(f, " ", pb.st.size)
	if pb.st.justify {
		pb.items = append(pb.items, kpItem{kind: kGlue, w: w, stretch: w / 2, shrink: w / 3})
		return
	}
	// Ragged right: the stretch sits before a zero-cost break and is
	// cancelled after it, so only line ends are ragged.
	rag := 3 * pb.st.size
	pb.items = append(pb.items,
		kpItem{kind: kPenalty, pen: infPenalty},
		kpItem{kind: kGlue, stretch: rag},
		kpItem{kind: kPenalty},
		kpItem{kind: kGlue, w: w, stretch: -rag})
}

// flush emits the current word as boxes separated by hyphenation breaks.
func (pb *paraBuilder) flush() {
	g := pb.word
	if len(g) == 0 {
		return
	}
	defer func() { pb.word = g[:0] }() // boxes copy the text out
	if urlLike(g) {
		pb.urlBreaks(g)
		return
	}
	var pen []float64 // by rune offset: the penalty of a break there, 0 for none
	if pb.st.hyphenate {
		for _, p := range pb.patternBreaks(g) {
			if pen == nil {
				pen = make([]float64, len(g)+1)
			}
			pen[p] = 50
		}
	}
	if len(g) > 4 && pb.glyphsWidth(g) > 0.8*pb.minW {
		if pen == nil {
			pen = make([]float64, len(g)+1)
		}
		for i := 2; i <= len(g)-2; i++ {
			if pen[i] == 0 {
				pen[i] = 800
			}
		}
	}
	start := 0
	for i := 1; i < len(g) && pen != nil; i++ {
		if pen[i] == 0 {
			continue
		}
		pb.box(g[start:i])
		hf := pb.fs.faceFor(g[i-1].face, '-')
		hw := pb.fs.width(hf, "-", pb.st.size)
		pb.pieces = append(pb.pieces, piece{face: hf, color: g[i-1].color, strike: g[i-1].strike, url: g[i-1].url, text: "-", w: hw})
		n := len(pb.pieces)
		pb.items = append(pb.items, kpItem{kind: kPenalty, w: hw, pen: pen[i], flagged: true, pieces: pb.pieces[n-1 : n : n]})
		start = i
	}
	pb.box(g[start:])
}

// patternBreaks finds Liang breaks in each hyphen-separated part of a word,
// ignoring punctuation around it.
func (pb *paraBuilder) patternBreaks(g []glyph) []int {
	var out []int
	partStart := 0
	for i := 0; i <= len(g); i++ {
		if i < len(g) && g[i].r != '-' && g[i].r != '‐' && g[i].r != '/' {
			continue
		}
		s, e := partStart, i
		for s < e && !unicode.IsLetter(g[s].r) {
			s++
		}
		for e > s && !unicode.IsLetter(g[e-1].r) {
			e--
		}
		if e-s >= pb.hy.minWord {
			var sb strings.Builder
			for _, x := range g[s:e] {
				sb.WriteRune(x.r)
			}
			for _, p := range pb.hy.points(sb.String()) {
				out = append(out, s+p)
			}
		}
		partStart = i + 1
	}
	return out
}

func (pb *paraBuilder) glyphsWidth(g []glyph) float64 {
	var total int64
	for _, x := range g {
		if a, ok := pb.fs.f[x.face].advance(x.r); ok {
			total += int64(a)
		}
	}
	return float64(total) * pb.st.size / 1000
}

// box adds one unbreakable box made of pieces of like glyphs.
func (pb *paraBuilder) box(g []glyph) {
	first := len(pb.pieces)
	start := pb.text.Len()
	flushPiece := func(proto glyph) {
		if pb.text.Len() == start {
			return
		}
		t := pb.text.String()[start:]
		start = pb.text.Len()
		pb.pieces = append(pb.pieces, piece{face: proto.face, color: proto.color, strike: proto.strike, url: proto.url, text: t, w: pb.fs.width(proto.face, t, pb.st.size)})
	}
	for i, x := range g {
		if i > 0 && (x.face != g[i-1].face || x.color != g[i-1].color || x.url != g[i-1].url || x.strike != g[i-1].strike) {
			flushPiece(g[i-1])
		}
		pb.text.WriteRune(x.r)
	}
	flushPiece(g[len(g)-1])
	n := len(pb.pieces)
	ps := pb.pieces[first:n:n]
	w := 0.0
	for _, p := range ps {
		w += p.w
	}
	pb.items = append(pb.items, kpItem{kind: kBox, w: w, pieces: ps})
}

// urlLike reports whether a word is an address: a link's word with a
// slash or dot in it, or any word with "://" or starting "www.". Such a
// word never takes a hyphen, which would read as part of the address.
func urlLike(g []glyph) bool {
	link, mark := false, false
	for i, x := range g {
		link = link || x.url != ""
		mark = mark || x.r == '/' || x.r == '.' || x.r == '@'
		if x.r == ':' && i+2 < len(g) && g[i+1].r == '/' && g[i+2].r == '/' {
			return true
		}
	}
	if len(g) > 4 && g[0].r == 'w' && g[1].r == 'w' && g[2].r == 'w' && g[3].r == '.' {
		return true
	}
	return link && mark
}

// urlBreaks adds an address as boxes with breaks that add nothing: after
// a slash, a dot or a hyphen (not inside "//", and never leaving fewer
// than two characters on either side), and, when the address is still
// wider than a line, between any two characters at a high cost.
func (pb *paraBuilder) urlBreaks(g []glyph) {
	pen := make([]float64, len(g)+1)
	for i := 2; i <= len(g)-2; i++ {
		prev, next := g[i-1].r, g[i].r
		switch {
		case prev == '/' && next == '/', next == '/' && prev == ':':
		case prev == '/':
			pen[i] = 20
		case prev == '.' || prev == '-' || prev == '?' || prev == '&' || prev == '=' || prev == '_' || prev == '#':
			pen[i] = 60
		}
	}
	if pb.glyphsWidth(g) > 0.8*pb.minW {
		for i := 2; i <= len(g)-2; i++ {
			if pen[i] == 0 {
				pen[i] = 5000
			}
		}
	}
	start := 0
	for i := 1; i < len(g); i++ {
		if pen[i] == 0 {
			continue
		}
		pb.box(g[start:i])
		pb.items = append(pb.items, kpItem{kind: kPenalty, pen: pen[i]})
		start = i
	}
	pb.box(g[start:])
}
