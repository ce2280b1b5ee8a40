package pdf

import (
	"fmt"
	"math"
	"strings"
	"unicode"

	"github.com/foliopress/folio/issue"
)

// capLines is how many lines a drop cap spans.
const capLines = 3

// bodyFlow turns a review body into column flow lines.
type bodyFlow struct {
	l          *layouter
	lines      []flowLine
	keepNext   bool // the next line must stay with the one before
	indentNext bool // the next paragraph gets a first-line indent
	capDone    bool
	boundaries []int // line indices where a top-level paragraph starts
	// elems are the body's structure elements, numbered within the body
	// (it may be set on the other core); 0 is its article.
	elems localElems
}

// body lays out a review's body and its pull quote as one column's worth
// of flow lines. fr holds the article's column heights,
// used to place the pull quote where it fits.
func (l *layouter) body(r *issue.Review, fr frame) ([]flowLine, localElems) {
	b := l.bodyFlowFor(r)
	if pq := strings.TrimSpace(r.Pullquote); pq != "" {
		quote := b.elems.elem("BlockQuote", 0)
		b.insertPull(l.pullQuote(pq, b.elems.elem("P", quote)), fr)
	}
	return b.lines, b.elems
}

func (b *bodyFlow) add(fl flowLine) {
	if b.keepNext && !fl.space {
		fl.keep = true
		b.keepNext = false
	}
	b.lines = append(b.lines, fl)
}

// space adds a discardable blank line, never two in a row or at the start.
func (b *bodyFlow) space() {
	if n := len(b.lines); n == 0 || b.lines[n-1].space {
		return
	}
	// After a lead-in or a heading, the space keeps with both sides.
	b.lines = append(b.lines, flowLine{h: 1, space: true, keep: b.keepNext})
}

// blocks adds body blocks whose structure elements go under parent (0:
// the article).
func (b *bodyFlow) blocks(bs []issue.Block, x, w float64, face Face, depth int, parent int32) {
	for _, bl := range bs {
		switch bl.Kind {
		case issue.Paragraph:
			b.paragraph(showURLs(bl.Inlines), x, w, face, depth, b.elems.elem("P", parent))
		case issue.Heading:
			b.heading(showURLs(bl.Inlines), x, w, b.elems.elem("H3", parent))
		case issue.Quote:
			b.space()
			start := len(b.lines)
			b.indentNext = false
			b.blocks(bl.Children, x+14, w-14, toggleItalic(face), depth+1, b.elems.elem("BlockQuote", parent))
			for i := start; i < len(b.lines); i++ {
				if !b.lines[i].space {
					b.lines[i].items = append(b.lines[i].items, Item{Kind: KRule, X: x + 4, Y: 1.5, H: b.l.g.lead, Stroke: 1.2, Color: hair})
				}
			}
			b.space()
			b.indentNext = false
		case issue.List:
			b.list(bl, x, w, face, depth, parent)
		case issue.ListItem:
			b.blocks(bl.Children, x, w, face, depth+1, parent)
		case issue.Rule:
			b.space()
			g := b.l.g
			b.add(flowLine{h: 1, items: []Item{{Kind: KRule, X: x + (w-48)/2, Y: g.lead / 2, W: 48, Stroke: 0.6, Color: accent}}})
			b.space()
			b.indentNext = false
		}
	}
}

func toggleItalic(f Face) Face { return styleFace(f, issue.Italic) }

func (b *bodyFlow) list(bl issue.Block, x, w float64, face Face, depth int, parent int32) {
	l := b.l
	b.space()
	list := b.elems.elem("L", parent)
	for i, it := range bl.Children {
		marker := "•"
		if bl.Ordered {
			marker = fmt.Sprintf("%d.", bl.Start+i)
		}
		li := b.elems.elem("LI", list)
		lbl := b.elems.elem("Lbl", li)
		start := len(b.lines)
		b.indentNext = false
		b.blocks(it.Children, x+16, w-16, face, depth+1, b.elems.elem("LBody", li))
		if len(it.Children) == 0 || start == len(b.lines) {
			b.add(flowLine{h: 1})
		}
		for start < len(b.lines) && b.lines[start].space {
			start++
		}
		if start < len(b.lines) {
			mw := l.fs.width(face, marker, l.g.body)
			b.lines[start].before = append(b.lines[start].before, Item{Kind: KText, X: x + 11 - mw, Y: l.baseline(face, l.g.body, l.g.lead),
				Face: l.fs.faceFor(face, []rune(marker)[0]), Size: l.g.body, Color: accent, Text: marker, W: mw, Elem: lbl})
		}
	}
	b.space()
	b.indentNext = false
}

func (b *bodyFlow) heading(inl []issue.Inline, x, w float64, elem int32) {
	l := b.l
	b.space()
	lines := l.lines(inl, paraStyle{face: SerifBold, size: 11, color: ink, linkColor: accent}, w)
	base := l.baseline(SerifBold, 11, l.g.lead)
	for k, ln := range lines {
		items := appendLine(nil, ln, 11, x, base)
		tagItems(items, 0, elem)
		b.add(flowLine{h: 1, keep: k > 0, items: items})
	}
	b.keepNext = true
	b.indentNext = false
}

// showURLs follows each link whose text hides its address with the
// address in parentheses, "production notes (example.org/notes)", so a
// printed page still says where the link goes; the address is a link too.
func showURLs(inl []issue.Inline) []issue.Inline {
	out := make([]issue.Inline, 0, len(inl)+2)
	text := ""
	for i, in := range inl {
		out = append(out, in)
		if in.URL == "" {
			continue
		}
		text += in.Text
		if i+1 < len(inl) && inl[i+1].URL == in.URL {
			continue // the link goes on in the next run
		}
		shown := displayURL(in.URL)
		t := strings.TrimSpace(text)
		text = ""
		if t == in.URL || t == shown || "mailto:"+t == in.URL || strings.TrimSuffix(in.URL, "/") == strings.TrimSuffix(t, "/") {
			continue
		}
		note := issue.Inline{Text: " (" + shown + ")", URL: in.URL, Style: in.Style &^ issue.Bold, Break: in.Break}
		out[len(out)-1].Break = false
		out = append(out, note)
	}
	return out
}

// displayURL is a URL as printed: no scheme, no trailing slash.
func displayURL(u string) string {
	for _, p := range []string{"https://", "http://", "mailto:"} {
		u = strings.TrimPrefix(u, p)
	}
	return strings.TrimSuffix(u, "/")
}

// paragraph sets justified, hyphenated text; the first paragraph of the
// body gets the drop cap.
func (b *bodyFlow) paragraph(inl []issue.Inline, x, w float64, face Face, depth int, elem int32) {
	l := b.l
	g := l.g
	if depth == 0 && !b.keepNext {
		b.boundaries = append(b.boundaries, len(b.lines))
	}
	st := paraStyle{face: face, size: g.body, color: ink, linkColor: accent, justify: true, hyphenate: true}
	if b.indentNext {
		st.indent = g.body
	}
	var dc *dropCap
	if !b.capDone && depth == 0 {
		b.capDone = true
		dc = l.newDropCap(inl)
		if dc != nil {
			inl = dc.rest
		}
	}
	capW := 0.0
	if dc != nil {
		capW = dc.w
	}
	items := l.fs.paragraph(l.hy, inl, st, w-capW)
	width := func(k int) float64 {
		if k < capLines {
			return w - capW
		}
		return w
	}
	lines, emergency := l.fs.setParagraph(l.hy, items, st.size, width)
	if !emergency && l.shortLast(lines, w) {
		lines = l.rebreak(items, lines, st.size, w, width)
	}
	if emergency {
		l.doc.Stats.Emergencies++
	}
	if l.shortLast(lines, w) {
		l.doc.Stats.ShortLastLines++
	}
	b.elemsOfFrags(lines, elem)
	base := l.baseline(face, g.body, g.lead)
	start := len(b.lines)
	n := len(lines)
	for k, ln := range lines {
		dx := 0.0
		if k < capLines {
			dx = capW
		}
		// No column break after a hyphen, before a paragraph's second or
		// last line, or inside the drop cap's lines.
		keep := k == 1 || (k == n-1 && n > 1) || (dc != nil && k < capLines && k > 0) || (k > 0 && lines[k-1].hyphen)
		fl := flowLine{h: 1, ratio: ln.ratio, keep: keep, elem: elem}
		if dc != nil && k == 0 {
			fl.items = dc.items(l, ln, x, base)
			fl.items = appendLine(fl.items, dropFirst(ln, dc), g.body, x+dx, base)
			tagItems(fl.items, 0, elem)
		} else {
			fl.text, fl.size, fl.tx, fl.ty = ln, g.body, x+dx, base
		}
		b.add(fl)
		l.doc.Stats.note(ln)
	}
	if dc != nil {
		for k := n; k < capLines; k++ {
			b.add(flowLine{h: 1, keep: true})
		}
	}
	if len(b.lines) > start {
		b.indentNext = true
	}
	if leadIn(inl) {
		// A lead-in ("some of it still works:") stays in the column of
		// what it introduces.
		b.keepNext = true
	}
}

// elemsOfFrags gives each link and each struck-through run of a
// paragraph's lines a structure element of its own under the paragraph's:
// a Link (its annotation's too) or a Span marked as struck through.
func (b *bodyFlow) elemsOfFrags(lines []textLine, para int32) {
	for k := range lines {
		for i := range lines[k].frags {
			f := &lines[k].frags[i]
			switch {
			case f.url != "":
				f.elem = b.elems.elem("Link", para)
			case f.strike:
				f.elem = b.elems.elem("Span", para)
				b.elems[f.elem-1].LineThrough = true
			}
		}
	}
}

// leadIn reports whether a paragraph introduces what follows it: it ends
// with a colon.
func leadIn(inl []issue.Inline) bool {
	for i := len(inl) - 1; i >= 0; i-- {
		t := strings.TrimRight(inl[i].Text, " \t\n")
		if t == "" {
			continue
		}
		return strings.HasSuffix(t, ":")
	}
	return false
}

// shortLast reports whether a paragraph of several lines ends in a line
// that is one short word (under a quarter of the measure w).
func (l *layouter) shortLast(lines []textLine, w float64) bool {
	if len(lines) < 2 {
		return false
	}
	ln := lines[len(lines)-1]
	return len(ln.frags) > 0 && ln.width < w/4 && !strings.Contains(lineString(ln), " ")
}

func lineString(ln textLine) string {
	var sb strings.Builder
	for i, f := range ln.frags {
		if i > 0 && f.spaced {
			sb.WriteByte(' ')
		}
		sb.WriteString(f.text)
	}
	return sb.String()
}

// rebreak sets a paragraph again with its last space unbreakable, so the
// last line takes a second word, and keeps the result if no line of it is
// loose past the breaker's third tolerance: a somewhat loose line reads
// better than a lone word.
func (l *layouter) rebreak(items []kpItem, lines []textLine, size, w float64, width func(int) float64) []textLine {
	last := -1
	for i := len(items) - 1; i > 0; i-- {
		if items[i].kind == kGlue && items[i-1].kind == kBox && items[i].stretch < fil {
			last = i
			break
		}
	}
	if last < 0 {
		return lines
	}
	tied := make([]kpItem, 0, len(items)+1)
	tied = append(tied, items[:last]...)
	tied = append(tied, kpItem{kind: kPenalty, pen: infPenalty})
	tied = append(tied, items[last:]...)
	// Nor may the last word break at a hyphen.
	for i := last + 2; i < len(tied)-3; i++ {
		if tied[i].kind == kPenalty && tied[i].pen < infPenalty && tied[i].pen > -infPenalty {
			tied[i].pen = infPenalty
		}
	}
	again, emergency := l.fs.setParagraph(l.hy, tied, size, width)
	if emergency || l.shortLast(again, w) {
		return lines
	}
	for _, ln := range again {
		if !ln.last && ln.ratio > 2 {
			return lines
		}
	}
	l.doc.Stats.Rebroken++
	return again
}

// note counts a justified body line in the statistics.
func (s *Stats) note(ln textLine) {
	if ln.last {
		return
	}
	s.Lines++
	if ln.ratio > 1 {
		s.LooseLines++
	}
	s.MaxRatio = math.Max(s.MaxRatio, ln.ratio)
	if ln.hyphen {
		s.Hyphenated++
	}
}

// dropCap is the first letter (with any opening punctuation) of a body,
// drawn large across capLines lines.
type dropCap struct {
	text  string
	rest  []issue.Inline
	space bool // the cap is a whole word: a space follows it
	size  float64
	w     float64
}

func (l *layouter) newDropCap(inl []issue.Inline) *dropCap {
	for i, in := range inl {
		t := strings.TrimLeft(in.Text, " \t\n")
		if t == "" {
			if in.Break {
				return nil
			}
			continue
		}
		end := -1
		for j, r := range t {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				end = j + len(string(r))
				break
			}
			if !unicode.IsPunct(r) {
				return nil
			}
		}
		if end < 0 || in.URL != "" {
			return nil
		}
		dc := &dropCap{text: t[:end]}
		for _, r := range dc.text {
			if !l.fs.has(Serif, r) {
				return nil
			}
		}
		rest := append([]issue.Inline(nil), inl[i:]...)
		rest[0].Text = t[end:]
		dc.rest = rest
		dc.space = rest[0].Text == "" || strings.IndexAny(rest[0].Text[:1], " \t\n") == 0
		if rest[0].Text == "" && len(rest) > 1 {
			dc.space = strings.IndexAny(rest[1].Text, " \t\n") == 0
		}
		capH := l.fs.f[Serif].capHeight
		g := l.g
		dc.size = (float64(capLines-1)*g.lead + capH*g.body) / capH
		dc.w = l.fs.width(Serif, dc.text, dc.size) + 4
		return dc
	}
	return nil
}

// items draws the cap and makes the first word extract whole: the big
// letter carries an empty ActualText, and the rest of the word on the
// first line carries the whole word. A cap that is a word on its own is
// echoed in invisible body-size text on the first line.
func (dc *dropCap) items(l *layouter, first textLine, x, base float64) []Item {
	g := l.g
	out := []Item{
		{Kind: KSpanBegin},
		{Kind: KText, X: x, Y: base + float64(capLines-1)*g.lead, Face: Serif, Size: dc.size, Color: accent, Text: dc.text},
		{Kind: KSpanEnd},
	}
	if !dc.space && len(first.frags) > 0 && first.frags[0].x == 0 {
		f := first.frags[0]
		out = append(out, Item{Kind: KSpanBegin, Actual: dc.text + unligate(f.text)})
		out = appendLine(out, textLine{frags: []frag{f}}, g.body, x+dc.w, base)
		return append(out, Item{Kind: KSpanEnd})
	}
	w := l.fs.width(Serif, dc.text, g.body)
	gap := 0.0
	if dc.space {
		gap = l.fs.width(Serif, " ", g.body)
	}
	return append(out, Item{Kind: KText, X: x + dc.w - w - gap, Y: base, Face: Serif, Size: g.body, Color: ink, Text: dc.text, W: w, Invisible: true})
}

// dropFirst removes the fragment dc.items already drew from the first line.
func dropFirst(ln textLine, dc *dropCap) textLine {
	if !dc.space && len(ln.frags) > 0 && ln.frags[0].x == 0 {
		ln.frags = ln.frags[1:]
	}
	return ln
}
