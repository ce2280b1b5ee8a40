package pdf

import (
	"math"
	"strings"
)

// frag is text drawn at X (relative to the line's start) in one face.
// Its words are separated by real spaces, each ws wider than the face's
// space (justification), so that every extractor finds them.
type frag struct {
	x      float64
	w      float64
	ws     float64 // extra width of each space in text, in points
	face   Face
	color  RGB
	strike bool
	url    string
	text   string
	// spaced: a space (glue) comes before this fragment on its line.
	spaced bool
	// actual, when set, is what the fragment extracts and reads as
	// (ActualText): "4 out of 5 stars" for ★★★★☆.
	actual string
	// elem is the fragment's own structure element (a Link, a Span),
	// when it is not its line's.
	elem int32
}

// textLine is one set line of a paragraph.
type textLine struct {
	frags  []frag
	ratio  float64
	last   bool // the paragraph's last line (or before a hard break)
	hyphen bool // ends in a hyphen the breaker inserted
	width  float64
	// tail is the rest of an address broken at the line's end: the last
	// fragment extracts with it, and the fragments of the next lines that
	// hold it (head of them) extract as nothing, so the address reads whole.
	tail string
	head int
}

// setLines positions the pieces of each chosen line. Justified glue
// stretches or shrinks by the line's ratio; the ratio of a last line is
// near zero because its fil glue takes the slack. Words of one face and
// colour then join into one fragment with spaces (merge).
func (fs *fontSet) setLines(items []kpItem, breaks []lineBreak, size float64) []textLine {
	out := make([]textLine, 0, len(breaks))
	// Every line's fragments are cut from one scratch buffer, sized for a
	// fragment per box and a hyphen per line, rather than grown line by
	// line; once merged they are copied out (keep), a few a line.
	boxes := 0
	for _, it := range items {
		if it.kind == kBox {
			boxes++
		}
	}
	sc := &fs.scratch
	if cap(sc.frags) < boxes+len(breaks) {
		sc.frags = make([]frag, 0, boxes+len(breaks))
	}
	frags := sc.frags[:0]
	for _, br := range breaks {
		ln := textLine{ratio: br.ratio}
		first := len(frags)
		x := 0.0
		joined := false // the next piece continues the previous fragment
		spaced := false // a space came before the next piece
		add := func(p piece) {
			if n := len(frags); joined && n > first {
				f := &frags[n-1]
				if f.face == p.face && f.color == p.color && f.url == p.url && f.strike == p.strike {
					f.text += p.text
					x += p.w
					f.w = x - f.x
					return
				}
			}
			frags = append(frags, frag{x: x, w: p.w, face: p.face, color: p.color, strike: p.strike, url: p.url, text: p.text, spaced: spaced})
			x += p.w
			joined, spaced = true, false
		}
		for i := br.start; i < br.end; i++ {
			it := items[i]
			switch it.kind {
			case kBox:
				if len(it.pieces) == 0 {
					x += it.w // an indent
					joined = false
				}
				for _, p := range it.pieces {
					add(p)
				}
			case kKern:
				x += it.w
			case kGlue:
				if it.ragged {
					// Inside a line the pair cancels, and the address's
					// pieces stay one fragment; at its end it is slack.
					if br.ratio >= 0 {
						x += br.ratio * it.stretch
					}
					continue
				}
				switch {
				case br.ratio >= 0:
					x += it.w + br.ratio*it.stretch
				default:
					x += it.w + br.ratio*it.shrink
				}
				joined = false
				spaced = spaced || !it.nospace
			}
		}
		if br.end < len(items) {
			end := items[br.end]
			if end.kind == kPenalty && end.flagged {
				for _, p := range end.pieces {
					add(p)
				}
				ln.hyphen = true
			}
			if end.kind == kPenalty && end.pen <= -infPenalty {
				ln.last = true
			}
		}
		ln.frags = frags[first:len(frags):len(frags)]
		for _, f := range ln.frags {
			ln.width = max(ln.width, f.x+f.w)
		}
		out = append(out, ln)
	}
	joinBrokenWords(items, breaks, out)
	for i := range out {
		fs.merge(&out[i], size)
	}
	keep(out)
	clear(frags) // the scratch holds no text of this paragraph alive
	sc.frags = frags[:0]
	return out
}

// keep copies the lines' merged fragments out of the scratch buffer into
// one slice of their own.
func keep(lines []textLine) {
	n := 0
	for _, ln := range lines {
		n += len(ln.frags)
	}
	kept := make([]frag, 0, n)
	for i := range lines {
		start := len(kept)
		kept = append(kept, lines[i].frags...)
		lines[i].frags = kept[start:len(kept):len(kept)]
	}
}

// merge joins the words of a line that are drawn alike into fragments
// with real spaces: a page then carries a few text runs a line instead of
// one a word, and extracts with its spaces. The fragments that continue
// an address from the line before (head) stay apart. A joined fragment's
// text is built once it is whole: joined word by word, the line's text
// was copied again for every word.
func (fs *fontSet) merge(ln *textLine, size float64) {
	fr := ln.frags
	if len(fr) < 2 {
		return
	}
	room := len(fr) // the line's text with a space between every two fragments
	for _, f := range fr {
		room += len(f.text)
	}
	var sb strings.Builder
	joining := false // sb holds the last kept fragment's text, and more
	finish := func(cur *frag) {
		if joining {
			cur.text = sb.String()
			sb.Reset()
			joining = false
		}
	}
	out := fr[:1]
	for i := 1; i < len(fr); i++ {
		f, cur := fr[i], &out[len(out)-1]
		if f.spaced && i >= ln.head && len(out)-1 >= ln.head && cur.face == f.face && cur.color == f.color && cur.url == f.url && cur.strike == f.strike {
			space := fs.width(cur.face, " ", size)
			extra := f.x - (cur.x + cur.w) - space
			if cur.ws == 0 && !joining && !hasSpace(cur.text) || math.Abs(extra-cur.ws) < 1e-6 {
				if !joining {
					sb.Grow(room)
					sb.WriteString(cur.text)
					joining = true
				}
				sb.WriteByte(' ')
				sb.WriteString(f.text)
				cur.ws = extra
				cur.w = f.x + f.w - cur.x
				continue
			}
		}
		if f.spaced && len(out)-1 >= ln.head {
			// Words drawn unlike (roman, then italic) are still two words:
			// the first ends in a space, drawn in the gap and not counted
			// in its width.
			if joining {
				sb.WriteByte(' ')
			} else {
				cur.text += " "
			}
		}
		finish(cur)
		out = append(out, f)
	}
	finish(&out[len(out)-1])
	ln.frags = out
}

func hasSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return true
		}
	}
	return false
}

// joinBrokenWords marks each line that ends inside a word at a break with
// no hyphen (an address broken after a slash) with the rest of the word,
// and the lines that continue it with how many fragments hold it.
func joinBrokenWords(items []kpItem, breaks []lineBreak, lines []textLine) {
	midWord := func(k int) bool {
		e := breaks[k].end
		return e > 0 && e+1 < len(items) && items[e].kind == kPenalty && !items[e].flagged &&
			items[e].pen < infPenalty && items[e].pen > -infPenalty &&
			(items[e-1].kind == kBox || items[e-1].ragged) // an address's break
	}
	for k := 0; k+1 < len(lines); k++ {
		if !midWord(k) {
			continue
		}
		tail := ""
	next:
		for j := k + 1; j < len(lines); j++ {
			for i, f := range lines[j].frags {
				if f.spaced {
					break next
				}
				lines[j].head = i + 1
				tail += f.text
			}
			if !midWord(j) {
				break
			}
		}
		lines[k].tail = tail
	}
}

// setParagraph breaks and sets a paragraph's items, built at size, in
// one call.
func (fs *fontSet) setParagraph(hy *hyphenator, items []kpItem, size float64, width func(int) float64) ([]textLine, bool) {
	breaks, emergency := breakLines(&fs.scratch, items, width)
	return fs.setLines(items, breaks, size), emergency
}
