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
	// sentenceStart: the next word starts a sentence.
	sentenceStart bool
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
	pb := &paraBuilder{fs: fs, hy: hy, st: st, minW: minWidth, items: sc.items[:0], pieces: sc.pieces[:0], sentenceStart: true}
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
		for _, r := range fs.printable(in.Text) {
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
		pb.items = append(pb.items, kpItem{kind: kGlue, w: w, stretch: w * 0.6, shrink: w / 3})
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

// flush emits the current word as boxes separated by breaks: hyphenation
// points in words, breaks after the slashes and dots of an address, and
// between the characters of Chinese, Japanese and Korean text.
func (pb *paraBuilder) flush() {
	g := pb.word
	if len(g) == 0 {
		return
	}
	defer func() {
		pb.word = g[:0] // boxes copy the text out
		pb.sentenceStart = endsSentence(g)
	}()
	var pen []float64           // by rune offset: the penalty of a break there, 0 for none
	hyphens, cjk := true, false // the breaks add a hyphen; or stretch
	switch {
	case urlLike(g):
		pen, hyphens = urlBreaks(g, pb.glyphsWidth(g) > 0.8*pb.minW), false
	case hasCJK(g):
		pen, hyphens, cjk = cjkBreaks(g), false, true
	default:
		pen = pb.wordBreaks(g)
	}
	start := 0
	for i := 1; i < len(g); i++ {
		if pen == nil || pen[i] == 0 {
			continue
		}
		last := pb.box(g[start:i])
		switch {
		case cjk:
			// Between CJK characters a line may break, and may stretch a
			// little to justify, with no space.
			pb.items = append(pb.items, kpItem{kind: kGlue, stretch: pb.st.size / 4, nospace: true})
			start = i
			continue
		case hyphens:
			hf := pb.fs.faceFor(g[i-1].face, '-')
			hw := pb.fs.width(hf, "-", pb.st.size)
			if hf == g[i-1].face {
				hw += float64(pb.fs.f[hf].kern(last, '-')) * pb.st.size / 1000
			}
			pb.pieces = append(pb.pieces, piece{face: hf, color: g[i-1].color, strike: g[i-1].strike, url: g[i-1].url, text: "-", w: hw})
			n := len(pb.pieces)
			pb.items = append(pb.items, kpItem{kind: kPenalty, w: hw, pen: pen[i], flagged: true, pieces: pb.pieces[n-1 : n : n]})
		default:
			// An address: a line that breaks here may end short rather
			// than stretch its spaces or split the address anywhere else.
			// The glue pair cancels when the line runs on; the forbidding
			// penalty keeps the first glue from being a break of its own.
			rag := 6 * pb.st.size
			pb.items = append(pb.items,
				kpItem{kind: kPenalty, pen: infPenalty},
				kpItem{kind: kGlue, stretch: rag, nospace: true, ragged: true},
				kpItem{kind: kPenalty, pen: pen[i]},
				kpItem{kind: kGlue, stretch: -rag, nospace: true, ragged: true})
		}
		// The kerning across the break counts only when the word is not
		// broken there: as a kern item, which a break discards.
		if g[i].face == g[i-1].face {
			if k := pb.fs.f[g[i].face].kern(last, pb.firstRune(g[i:])); k != 0 {
				pb.items = append(pb.items, kpItem{kind: kKern, w: float64(k) * pb.st.size / 1000})
			}
		}
		start = i
	}
	pb.box(g[start:])
}

// wordBreaks are a word's hyphenation points, and when the word is nearly
// as wide as a line, costly emergency breaks between any of its letters.
func (pb *paraBuilder) wordBreaks(g []glyph) []float64 {
	var pen []float64
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
	return pen
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
			for k, x := range g[s:e] {
				if k == 0 && partStart == 0 && pb.sentenceStart {
					// A capital that only starts a sentence is no name:
					// the word hyphenates as any other.
					x.r = unicode.ToLower(x.r)
				}
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

// box adds one unbreakable box made of pieces of like glyphs, with the
// f-ligatures of faces that have them, and returns the last rune written.
func (pb *paraBuilder) box(g []glyph) rune {
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
	last := rune(0)
	for i := 0; i < len(g); i++ {
		if i > 0 && !g[i].like(g[i-1]) {
			flushPiece(g[i-1])
		}
		r, n := pb.ligature(g[i:])
		pb.text.WriteRune(r)
		last = r
		i += n - 1
	}
	flushPiece(g[len(g)-1])
	n := len(pb.pieces)
	ps := pb.pieces[first:n:n]
	w := 0.0
	for _, p := range ps {
		w += p.w
	}
	pb.items = append(pb.items, kpItem{kind: kBox, w: w, pieces: ps})
	return last
}

// firstRune is the rune a box of g starts with: a ligature's when g
// starts with one.
func (pb *paraBuilder) firstRune(g []glyph) rune {
	r, _ := pb.ligature(g)
	return r
}

// like reports whether two glyphs draw alike and so share a piece.
func (x glyph) like(y glyph) bool {
	return x.face == y.face && x.color == y.color && x.url == y.url && x.strike == y.strike
}

// ligatures are the standard f-ligatures, longest first. Their code
// points extract as their letters: our fpdf maps them so in every font's
// ToUnicode table.
var ligatures = [...]struct {
	letters string
	r       rune
}{{"ffi", 'ﬃ'}, {"ffl", 'ﬄ'}, {"ff", 'ﬀ'}, {"fi", 'ﬁ'}, {"fl", 'ﬂ'}}

// unligate spells out the f-ligatures in s, for text that does not pass
// through a font's ToUnicode table (ActualText).
func unligate(s string) string {
	for _, l := range ligatures {
		s = strings.ReplaceAll(s, string(l.r), l.letters)
	}
	return s
}

// ligature returns the rune that draws the start of g and how many glyphs
// it takes: a ligature when g starts with its letters, all drawn alike in
// a face that has it, else g's first rune.
func (pb *paraBuilder) ligature(g []glyph) (rune, int) {
	if g[0].r != 'f' || len(g) < 2 || !pb.fs.f[g[0].face].ligatures {
		return g[0].r, 1
	}
next:
	for _, l := range ligatures {
		if len(g) < len(l.letters) {
			continue
		}
		for i, c := range []byte(l.letters) {
			if g[i].r != rune(c) || !g[i].like(g[0]) {
				continue next
			}
		}
		if pb.fs.has(g[0].face, l.r) {
			return l.r, len(l.letters)
		}
	}
	return g[0].r, 1
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

// anywherePen is the cost of breaking an address between two letters,
// where it has no slash, dot or hyphen to break at. The breaker takes
// such a break only in its last pass, when nothing else fits.
const anywherePen = 5000.0

// urlBreaks are the breaks of an address, which add nothing: after a
// slash, a dot or a hyphen (not inside "//", and never leaving fewer than
// two characters on either side), and, when the address is nearly as wide
// as a line (wide), between any two characters at a high cost.
func urlBreaks(g []glyph, wide bool) []float64 {
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
	if wide {
		for i := 2; i <= len(g)-2; i++ {
			if pen[i] == 0 {
				pen[i] = anywherePen
			}
		}
	}
	return pen
}

// hasCJK reports whether a word holds Chinese, Japanese or Korean text,
// which is written without spaces between words.
func hasCJK(g []glyph) bool {
	for _, x := range g {
		if isCJK(x.r) {
			return true
		}
	}
	return false
}

func isCJK(r rune) bool {
	if r < 0x1100 { // below Hangul Jamo: Latin, Greek, Cyrillic… (most runes asked)
		return false
	}
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
		unicode.Is(unicode.Hangul, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// cjkBreaks allow a break before and after every CJK character, except
// before closing punctuation and after opening punctuation, which stay
// with their text (the kinsoku rules, in short).
func cjkBreaks(g []glyph) []float64 {
	pen := make([]float64, len(g)+1)
	for i := 1; i < len(g); i++ {
		prev, next := g[i-1].r, g[i].r
		if !isCJK(prev) && !isCJK(next) {
			continue
		}
		if strings.ContainsRune("、。，．・：；？！）」』】〕〉》ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ,.!?:;)", next) || strings.ContainsRune("（「『【〔〈《(", prev) {
			continue
		}
		pen[i] = 1
	}
	return pen
}

// endsSentence reports whether a word ends a sentence: its last letter is
// followed by a full stop, a question or an exclamation mark, perhaps
// inside closing quotes or brackets.
func endsSentence(g []glyph) bool {
	for i := len(g) - 1; i >= 0; i-- {
		switch g[i].r {
		case '.', '?', '!', '…':
			return true
		case '"', '\'', '’', '”', ')', ']', '»':
			continue
		}
		return false
	}
	return false
}
