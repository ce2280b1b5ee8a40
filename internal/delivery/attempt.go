package delivery

import (
	"errors"
	"fmt"

	"github.com/foliopress/folio/mailer"
)

// attempt is one message on its way, from its gate to its outcome. Its
// methods are the hooks the transport calls during Deliver (Gate,
// AfterDot); the worker's concurrency rules say who runs them.
type attempt struct {
	w   *worker
	out *mailer.Outgoing
	// settled is false once the previous outcome's commit failed: the
	// message is held back and the run stops.
	settled bool
	// flying: past its gate, counted in run.inFlight until its outcome
	// reaches the committer.
	flying bool
}

// errNotRecorded holds a message back: the previous outcome's commit
// failed, so the run stops.
var errNotRecorded = errors.New("delivery: the previous outcome was not recorded")

// gate lets the message's final dot go once the previous outcome is
// durable (mailer.Outgoing.Gate). When that commit is still running and
// the transport handed over dot, the committer writes the dot the moment
// the commit is done (afterCommit) while the worker waits; otherwise the
// worker settles and goes on itself.
func (a *attempt) gate(dot func() error) error {
	w := a.w
	if p := w.prev; p != nil && dot != nil {
		if p.req.handOff(func(res committed) error { return a.afterCommit(res, dot) }) {
			<-p.req.done
			if a.settled {
				p.report(w.s, w.r)
			}
			return p.req.thenErr
		}
	}
	if !w.settle() {
		a.settled = false
		return errNotRecorded
	}
	return a.fly(dot)
}

// afterCommit runs on the committer right after the previous outcome's
// commit, while the worker waits in gate: the hand-off of the worker's
// concurrency rules.
func (a *attempt) afterCommit(res committed, dot func() error) error {
	if !a.w.absorb(res) {
		a.settled = false
		return errNotRecorded
	}
	return a.fly(dot)
}

// fly lets the message go: from here until its outcome is handed to the
// committer it is in flight, and the committer may wait for that outcome.
func (a *attempt) fly(dot func() error) error {
	a.w.r.inFlight.Add(1)
	a.flying = true
	a.pipelineNext()
	if dot == nil {
		return nil
	}
	return dot()
}

// pipelineNext has the next member's envelope ride behind this message's
// dot when the connection will surely carry that message next: a wait in
// the pacer would leave the relay holding an open DATA, so under limits
// the next message's tokens are taken now or the envelope waits. It is
// chosen once the last outcome is settled, which may have claimed the
// next rows.
func (a *attempt) pipelineNext() {
	w := a.w
	if len(w.queue) == 0 || w.used+1 >= w.r.maxPerConn() || w.ctx.Err() != nil {
		return
	}
	n := w.queue[0].Member
	if !w.pace.unlimited() {
		if !w.pace.ready(mailer.Domain(n.Email)) {
			return
		}
		w.prepaid = true
	}
	a.out.Next = &mailer.Envelope{From: w.s.envelopeFrom(n, w.r.issueID), To: n.Email}
}

// afterDot renders the next message, whose envelope rides behind this
// one's dot, while the relay takes this one (mailer.Outgoing.AfterDot).
// A failure here comes up again, and is reported, in its turn.
func (a *attempt) afterDot() {
	w := a.w
	if a.out.Next == nil || len(w.queue) == 0 {
		return
	}
	n := w.queue[0]
	if m, err := w.s.render(w.bg, w.r.issueID, n.Member, n.MessageID, &w.bufs[1-w.cur]); err == nil {
		w.ahead = m
	}
}

// inflight is an outcome on its way to the ledger, with a claim of up
// to claim rows riding on its commit.
type inflight struct {
	c     Claim
	o     Outcome
	res   Result
	claim int
	req   *commitReq
	// held are outcomes held back earlier (holding) that ride on this
	// commit.
	held []heldOutcome
}

// recorded checks the commit's answer; false (and the run failed) when
// the ledger could not record the outcome.
func (f *inflight) recorded(r *run, res committed) bool {
	if res.err != nil && !errors.Is(res.err, ErrLeaseLost) {
		r.fail(fmt.Errorf("delivery: record %s/%d: %w", r.issueID, f.c.MemberID, res.err))
		return false
	}
	return true
}

// report counts and reports a recorded outcome. It is kept off the
// committer, where a handed-off dot is written: callbacks may be slow.
func (f *inflight) report(s *Sender, r *run) {
	r.count(f.o.State)
	s.emit(f.res)
	for _, h := range f.held {
		r.count(h.o.State)
		s.emit(h.res)
	}
}
