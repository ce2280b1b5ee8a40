package pdf

// frag is text drawn at X (relative to the line's start) in one face.
type frag struct {
	x      float64
	w      float64
	face   Face
	color  RGB
	strike bool
	url    string
	text   string
	// spaced: a space (glue) comes before this fragment on its line.
	spaced bool
}

// textLine is one set line of a paragraph.
type textLine struct {
	frags  []frag
	ratio  float64
	last   bool // the paragraph's last line (or before a hard break)
	hyphen bool // ends in a hyphen the breaker inserted
	width  float64
	// tail is the rest of an address broken at the line's end: the last
	// fragment extracts with it, and the lines that hold it (head) extract
	// their first fragment as nothing, so the address reads whole.
	tail string
	head int
}

// setLines positions the pieces of each chosen line. Justified glue
// stretches or shrinks by the line's ratio; the ratio of a last line is
// near zero because its fil glue takes the slack.
func setLines(items []kpItem, breaks []lineBreak) []textLine {
	out := make([]textLine, 0, len(breaks))
	// Every line's fragments are cut from one buffer, sized for a fragment
	// per box and a hyphen per line, rather than grown line by line.
	boxes := 0
	for _, it := range items {
		if it.kind == kBox {
			boxes++
		}
	}
	frags := make([]frag, 0, boxes+len(breaks))
	for _, br := range breaks {
		ln := textLine{ratio: br.ratio}
		first := len(frags)
		x := 0.0
		joined := false // the next piece continues the previous fragment
		spaced := false // glue came before the next piece
		add := func(p piece) {
			if n := len(frags); joined && n > first {
				f := &frags[n-1]
				if f.face == p.face && f.color == p.color && f.url == p.url && f.strike == p.strike {
					f.text += p.text
					f.w += p.w
					x += p.w
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
			case kGlue:
				switch {
				case br.ratio >= 0:
					x += it.w + br.ratio*it.stretch
				default:
					x += it.w + br.ratio*it.shrink
				}
				joined, spaced = false, true
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
	return out
}

// joinBrokenWords marks each line that ends inside a word at a break with
// no hyphen (an address broken after a slash) with the rest of the word,
// and the lines that continue it as heads.
func joinBrokenWords(items []kpItem, breaks []lineBreak, lines []textLine) {
	midWord := func(k int) bool {
		e := breaks[k].end
		return e > 0 && e+1 < len(items) && items[e].kind == kPenalty && !items[e].flagged &&
			items[e].pen < infPenalty && items[e].pen > -infPenalty && items[e-1].kind == kBox && items[e+1].kind == kBox
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

// setParagraph builds, breaks and sets a paragraph in one call.
func (fs *fontSet) setParagraph(hy *hyphenator, items []kpItem, width func(int) float64) ([]textLine, bool) {
	breaks, emergency := breakLines(&fs.scratch, items, width)
	return setLines(items, breaks), emergency
}
