package pdf

import (
	"context"
	"math"

	"github.com/foliopress/folio/issue"
)

// preBody is a review body set into flow lines ahead of time, with the
// statistics setting it counted.
type preBody struct {
	flow  bodyFlow
	stats Stats
}

// preBodies sets the bodies of the later reviews on the other core while
// the layouter works through the earlier ones: setting a body (breaking
// and hyphenating its paragraphs) depends only on the review, never on
// where it lands, and is most of the layout's work. The helper has fonts
// and a hyphenator of its own, as both cache as they go.
type preBodies struct {
	ready map[*issue.Review]chan preBody
	got   map[*issue.Review]*preBody
	done  chan struct{}
}

// startPreBodies sets the bodies of reviews with the font set fs in a
// goroutine that stops at ctx's end; wait joins it.
func (l *layouter) startPreBodies(ctx context.Context, reviews []*issue.Review, fs *fontSet) *preBodies {
	pb := &preBodies{ready: map[*issue.Review]chan preBody{}, got: map[*issue.Review]*preBody{}, done: make(chan struct{})}
	for _, r := range reviews {
		pb.ready[r] = make(chan preBody, 1)
	}
	hy := l.hy.fresh()
	helper := &layouter{iss: l.iss, opts: l.opts, g: l.g, fs: fs, hy: hy, doc: &Document{}}
	go func(ctx context.Context) {
		defer close(pb.done)
		for _, r := range reviews {
			if ctx.Err() != nil {
				return
			}
			b := helper.setBody(r)
			b.l = nil
			pb.ready[r] <- preBody{flow: *b, stats: helper.doc.Stats}
			helper.doc.Stats = Stats{}
		}
	}(ctx)
	return pb
}

// wait joins the helper goroutine.
func (pb *preBodies) wait() { <-pb.done }

// take returns a copy of r's body set ahead, waiting for it, or false
// when r is not among the helper's reviews.
func (pb *preBodies) take(r *issue.Review) (*preBody, bool) {
	if pb == nil {
		return nil, false
	}
	if p, ok := pb.got[r]; ok {
		return p, true
	}
	ch, ok := pb.ready[r]
	if !ok {
		return nil, false
	}
	p := <-ch
	pb.got[r] = &p
	return &p, true
}

// setBody sets a review's body blocks into flow lines.
func (l *layouter) setBody(r *issue.Review) *bodyFlow {
	b := &bodyFlow{l: l}
	b.capDone = len(r.Body) == 0 || r.Body[0].Kind != issue.Paragraph
	b.blocks(r.Body, 0, l.g.colW, Serif, 0, 0)
	return b
}

// bodyFlowFor is r's body blocks set into flow lines: taken from the
// helper when it set them (counting their statistics as if set here), or
// set now. The caller may add lines but must not change their items.
func (l *layouter) bodyFlowFor(r *issue.Review) *bodyFlow {
	set, ok := l.set[r]
	if !ok {
		set = l.setOrTake(r)
		if l.set == nil {
			l.set = map[*issue.Review]*bodyFlow{}
		}
		l.set[r] = set
	}
	b := *set
	// Lines are only added and items only copied out after this point, so
	// fresh slices of lines suffice; the items are shared.
	b.lines = append([]flowLine(nil), set.lines...)
	b.boundaries = append([]int(nil), set.boundaries...)
	b.elems = append(localElems(nil), set.elems...)
	return &b
}

// setOrTake sets r's body, or takes it from the helper, once per layout:
// an article may be laid out more than once (to try a smaller photo).
func (l *layouter) setOrTake(r *issue.Review) *bodyFlow {
	p, ok := l.pre.take(r)
	if !ok {
		return l.setBody(r)
	}
	st := &l.doc.Stats
	st.Lines += p.stats.Lines
	st.LooseLines += p.stats.LooseLines
	st.MaxRatio = math.Max(st.MaxRatio, p.stats.MaxRatio)
	st.Hyphenated += p.stats.Hyphenated
	st.Emergencies += p.stats.Emergencies
	st.ShortLastLines += p.stats.ShortLastLines
	st.Rebroken += p.stats.Rebroken
	b := p.flow
	b.l = l
	return &b
}
