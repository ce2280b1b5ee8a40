package pdf

import "math"

// The total-fit line breaker of Knuth and Plass: a paragraph is a list of
// boxes (text), glue (stretchable space) and penalties (possible breaks);
// the breaker picks the set of breaks that minimises the sum of the lines'
// demerits, so one tight line never forces a loose one later.

type kpKind uint8

const (
	kBox kpKind = iota
	kGlue
	kPenalty
	// kKern is kerning between two boxes of a word that a break may part:
	// its width counts while they stay together, and a break discards it
	// as it discards glue, but no line may break at it.
	kKern
)

const (
	infPenalty  = 10000.0
	fil         = 1e6 // the stretch of the glue that ends a paragraph
	linePenalty = 10.0
	doubleHyph  = 3000.0
	fitnessDem  = 100.0
	finalHyph   = 5000.0
)

// kpItem is one element of a paragraph.
type kpItem struct {
	kind            kpKind
	flagged         bool // a hyphen break
	nospace         bool // glue between CJK characters, not a space
	ragged          bool // one of the glue pair of an address's break (takes the slack of a line ending there)
	w               float64
	stretch, shrink float64
	pen             float64
	pieces          []piece // a box's text, or a penalty's hyphen
}

// lineBreak is one chosen line: items [start, end) and the break at end.
type lineBreak struct {
	start, end int
	ratio      float64
}

type kpNode struct {
	pos, line, fitness int
	demerits           float64
	ratio              float64
	prev               *kpNode
}

// breakScratch is the memory a font set's paragraphs are built and
// broken in, reused from one paragraph to the next: a paragraph's items,
// pieces, sums and nodes are garbage once its lines are set, and fresh
// memory for each cost a page fault every 4 KB in a cold process.
type breakScratch struct {
	items  []kpItem
	pieces []piece
	sums   []float64
	nodes  []kpNode
	frags  []frag // setLines' fragments before they are merged
}

// node stores n in the nodes buffer. A node's address stays valid when
// the buffer grows (it keeps the old array alive), and no node outlives
// the pass that made it, after which the buffer is reset.
func (sc *breakScratch) node(n kpNode) *kpNode {
	sc.nodes = append(sc.nodes, n)
	return &sc.nodes[len(sc.nodes)-1]
}

// breakLines chooses breaks for items, whose last item must be a forced
// penalty. width gives the length of line k (0-based). It tries a strict
// tolerance, a looser one, then an emergency pass that accepts any ratio,
// so it always returns lines; emergency reports whether that pass ran.
func breakLines(sc *breakScratch, items []kpItem, width func(k int) float64) (lines []lineBreak, emergency bool) {
	n := len(items)
	// The prefix sums are written from running totals and never read
	// before they are written: reading a fresh page first maps the zero
	// page, and the write after it costs a second fault and a TLB flush
	// on every core (a tenth of a cold build's layout, measured).
	if cap(sc.sums) < 3*(n+1) {
		sc.sums = make([]float64, 3*(n+1))
	}
	sums := sc.sums[:3*(n+1)]
	sumW, sumY, sumZ := sums[:n+1:n+1], sums[n+1:2*(n+1):2*(n+1)], sums[2*(n+1):]
	var w, y, z float64
	sumW[0], sumY[0], sumZ[0] = 0, 0, 0
	for i, it := range items {
		switch it.kind {
		case kBox, kKern:
			w += it.w
		case kGlue:
			w += it.w
			y += it.stretch
			z += it.shrink
		}
		sumW[i+1], sumY[i+1], sumZ[i+1] = w, y, z
	}
	// after[b] is where the line after a break at b starts: discardable
	// glue and penalties are dropped.
	after := func(b int) int {
		i := 0
		if b >= 0 {
			i = b + 1
		}
		for i < n && items[i].kind != kBox {
			if items[i].kind == kPenalty && items[i].pen <= -infPenalty {
				break
			}
			i++
		}
		return i
	}
	// The passes' largest adjustment ratios: badness 200 (TeX's default
	// tolerance), then gradually looser, then anything (the emergency).
	tolerances := [...]float64{1.26, 1.6, 2.0, 2.5, math.Inf(1)}
	for pass, tol := range tolerances {
		sc.nodes = sc.nodes[:0]
		if end := kpRun(sc, items, width, sumW, sumY, sumZ, after, tol, pass == len(tolerances)-1); end != nil {
			var out []lineBreak
			for nd := end; nd.prev != nil; nd = nd.prev {
				out = append(out, lineBreak{start: after(nd.prev.pos), end: nd.pos, ratio: nd.ratio})
			}
			for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
				out[i], out[j] = out[j], out[i]
			}
			return out, pass == len(tolerances)-1
		}
	}
	return nil, true // unreachable: the last pass always ends
}

func kpRun(sc *breakScratch, items []kpItem, width func(int) float64, sumW, sumY, sumZ []float64, after func(int) int, tol float64, final bool) *kpNode {
	active := []*kpNode{sc.node(kpNode{pos: -1, fitness: 1})}
	for b, it := range items {
		switch it.kind {
		case kBox, kKern:
			continue
		case kGlue:
			if b == 0 || items[b-1].kind != kBox {
				continue
			}
		case kPenalty:
			if it.pen >= infPenalty || it.pen >= anywherePen && !final {
				continue
			}
		}
		forced := it.kind == kPenalty && it.pen <= -infPenalty
		var best [4]kpNode // the best new node of each fitness class
		var has [4]bool
		var lastRemoved *kpNode
		kept := active[:0]
		for _, a := range active {
			s := after(a.pos)
			if s > b {
				s = b
			}
			w := sumW[b] - sumW[s]
			if it.kind == kPenalty {
				w += it.w
			}
			L := width(a.line)
			var r float64
			switch {
			case w < L:
				if y := sumY[b] - sumY[s]; y > 0 {
					r = (L - w) / y
				} else {
					r = 1e6
				}
			case w > L:
				if z := sumZ[b] - sumZ[s]; z > 0 {
					r = (L - w) / z
				} else {
					r = -1e6
				}
			}
			if r < -1 || forced {
				lastRemoved = a
			} else {
				kept = append(kept, a)
			}
			if r < -1 || r > tol {
				continue
			}
			d := demerits(r, it, items, a)
			fc := fitness(r)
			if a.pos >= 0 && math.Abs(float64(fc-a.fitness)) > 1 {
				d += fitnessDem
			}
			nd := kpNode{pos: b, line: a.line + 1, fitness: fc, demerits: a.demerits + d, ratio: r, prev: a}
			if !has[fc] || nd.demerits < best[fc].demerits {
				best[fc], has[fc] = nd, true
			}
		}
		active = kept
		added := false
		for fc, nd := range best {
			if has[fc] {
				active = append(active, sc.node(nd))
				added = true
			}
		}
		if !added && len(active) == 0 && lastRemoved != nil {
			if !final {
				return nil
			}
			// Emergency: break here even though the line is overfull.
			active = append(active, sc.node(kpNode{pos: b, line: lastRemoved.line + 1, fitness: 0,
				demerits: lastRemoved.demerits + 1e9, ratio: -1, prev: lastRemoved}))
		}
	}
	var end *kpNode
	for _, a := range active {
		if a.pos == len(items)-1 && (end == nil || a.demerits < end.demerits) {
			end = a
		}
	}
	return end
}

func demerits(r float64, it kpItem, items []kpItem, a *kpNode) float64 {
	bad := 100 * math.Abs(r*r*r)
	d := (linePenalty + bad) * (linePenalty + bad)
	switch {
	case it.kind == kPenalty && it.pen >= 0:
		d += it.pen * it.pen
	case it.kind == kPenalty && it.pen > -infPenalty:
		d -= it.pen * it.pen
	}
	if a.pos >= 0 && items[a.pos].kind == kPenalty && items[a.pos].flagged {
		if it.flagged {
			d += doubleHyph
		} else if it.pen <= -infPenalty {
			d += finalHyph
		}
	}
	return d
}

func fitness(r float64) int {
	switch {
	case r < -0.5:
		return 0
	case r <= 0.5:
		return 1
	case r <= 1:
		return 2
	}
	return 3
}
