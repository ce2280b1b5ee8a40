package delivery

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/foliopress/folio/mailer"
)

// worker is one of a Send's delivery loops. It owns one relay connection,
// reused for up to MaxPerConn messages, and a queue of rows it claimed.
// Each message's outcome is committed while the next message is rendered
// and written; the next message's final dot waits for that commit
// (Outgoing.Gate), so the relay never holds more than one of this
// worker's messages whose outcome is not durable: a crash leaves at most
// one delivered-but-unrecorded message per worker. When the queue runs
// low, the next rows are claimed inside that same commit.
//
// Concurrency rules. Everything below belongs to the goroutine running
// loop, with one exception: the hand-off. When a message's final dot must
// wait for the previous outcome's commit, attempt.gate may hand the
// committer a closure (commitReq.handOff) that, right after the commit,
// absorbs its answer into the worker (queue, drained, prev), lets the
// message fly (run.inFlight, the next envelope) and writes the final dot
// on the worker's connection. For exactly that time the worker goroutine
// is blocked on the request's done channel, which the committer answers
// only after the closure returned: the channel hands the worker's state
// to the committer and back, so one goroutine at a time touches it. The
// closure does nothing else; everything slower (reports, callbacks) runs
// back on the worker. Shared with other workers are only the run (its
// counters under run.mu, inFlight atomic, the commits channel), the
// limiter and the Sender's encodings cache, each safe for concurrent use.
type worker struct {
	s    *Sender
	r    *run
	pace *pacer
	ctx  context.Context // the run's: cancelled when the run stops
	// bg is never cancelled: a message past its claim finishes and its
	// outcome is recorded whatever happens to ctx.
	bg context.Context

	conn mailer.Conn
	used int // messages conn has carried
	// promised: conn has sent queue[0]'s envelope ahead (pipelining).
	promised bool

	queue []Claim
	// drained: a claim found fewer rows than it asked for, so the worker
	// stops claiming ahead and claims again only when its queue is empty.
	drained bool
	prev    *inflight // the last outcome, maybe still committing

	// bufs hold rendered messages: bufs[cur] the one being sent, the
	// other the next one, rendered ahead while the relay takes this one.
	bufs [2][]byte
	cur  int
	// ahead is queue[0]'s message rendered ahead, or nil.
	ahead *mailer.Outgoing
	// prepaid: queue[0]'s tokens are taken (its envelope went ahead).
	prepaid bool
}

// worker runs one delivery loop until no row is due or the run stops.
func (s *Sender) worker(ctx context.Context, r *run, pace *pacer) {
	w := &worker{s: s, r: r, pace: pace, ctx: ctx, bg: context.WithoutCancel(ctx)}
	defer w.stop()
	w.loop()
}

func (w *worker) loop() {
	for w.ctx.Err() == nil {
		if !w.fill() {
			return
		}
		c := w.queue[0]
		if !w.prepaid {
			if err := w.pace.wait(w.ctx, mailer.Domain(c.Member.Email)); err != nil {
				var spent *errBudgetWait
				switch {
				case errors.As(err, &spent):
					w.r.halt(spent.Error())
				case w.ctx.Err() == nil:
					w.r.fail(err)
				}
				return
			}
		}
		w.prepaid = false
		if !w.s.o.Now().Before(c.NextAttempt) {
			w.dropHead() // lease ran out while queued: another run may hold it now
			continue
		}
		if !w.deliver(c) {
			return
		}
	}
}

// fill makes sure the queue holds a row; false when none is due or the
// run stops.
func (w *worker) fill() bool {
	if len(w.queue) > 0 {
		return true
	}
	// The last outcome is settled first: a claim must never find this
	// worker's just-delivered row still sending. Its commit may bring the
	// next rows.
	if !w.settle() {
		return false
	}
	if len(w.queue) > 0 {
		return true
	}
	o := w.s.o
	now := o.Now()
	claims, err := o.Ledger.Claim(w.ctx, w.r.issueID, w.r.owner, w.r.claimBatch, now, now.Add(o.Lease), w.s.messageID(w.r.issueID))
	if err != nil {
		if w.ctx.Err() == nil {
			w.r.fail(fmt.Errorf("delivery: claim: %w", err))
		}
		return false
	}
	w.queue, w.drained = claims, len(claims) < w.r.claimBatch
	return len(claims) > 0
}

// dropHead drops queue[0] unsent. When its envelope already went out
// ahead, the relay waits in DATA for its message: only dropping the
// connection ends that transaction undelivered.
func (w *worker) dropHead() {
	w.queue = w.queue[1:]
	w.prepaid = false
	if w.promised {
		w.hangUp()
	}
}

// deliver sends c's message and hands its outcome to the committer;
// false stops the worker.
func (w *worker) deliver(c Claim) bool {
	start := time.Now()
	if err := w.s.o.Addresses.Check(c.Member.Email); err != nil {
		// An address imported before the rules, or one the relay could
		// never take: the member's own, permanent failure.
		w.dropHead()
		refusal := &mailer.SMTPError{Phase: mailer.PhaseRcpt, Code: 553, Enhanced: "5.1.3",
			Message: "5.1.3 " + err.Error(), Local: true, Err: err}
		o, res := w.s.outcome(w.r, c, "", refusal, start)
		w.submit(c, o, res, false)
		return true
	}
	out, err := w.message(c)
	if err != nil {
		w.r.fail(err)
		return false
	}
	if !w.connect() {
		return false
	}
	w.queue = w.queue[1:]
	a := &attempt{w: w, out: out, settled: true}
	out.AfterDot = a.afterDot
	if g, ok := w.conn.(mailer.GatedConn); ok && g.GatesDot() {
		out.Gate, out.GateOpen = a.gate, w.gateOpen
	} else if !w.settle() {
		w.queue = append([]Claim{c}, w.queue...)
		return false
	} else {
		a.pipelineNext()
	}
	fresh := w.used == 0
	reply, sendErr := w.conn.Deliver(w.bg, out)
	w.used++
	w.promised = out.Next != nil && w.conn.Usable()
	if !a.settled || !w.settle() {
		// Held back before its final dot: never delivered.
		w.land(a)
		w.queue = append([]Claim{c}, w.queue...)
		return false
	}
	if sendErr == nil {
		w.r.accepted.Add(1)
	} else if w.again(c, sendErr, a) {
		return true
	}
	o, res := w.s.outcome(w.r, c, reply, sendErr, start)
	if kind := holdKind(sendErr, res.Class, fresh); kind != "" {
		w.land(a)
		trip, why := w.r.held.hold(kind, mailer.ReplyKey(sendErr), o, res, w.s.o.Now(), w.r.accepted.Load())
		if trip {
			if kind == holdConnection {
				w.r.fail(fmt.Errorf("%w: %s", ErrRelayUnavailable, why))
			} else {
				w.r.pause(why)
			}
			return false
		}
	} else {
		w.submit(c, o, res, a.flying)
	}
	if res.Class == mailer.Pause && sendErr != nil {
		w.settle()
		w.r.pause(o.Reply)
		return false
	}
	if !w.conn.Usable() || w.used >= w.r.maxPerConn() {
		w.hangUp()
	}
	return true
}

// message is c's message: the one rendered ahead, or rendered now.
func (w *worker) message(c Claim) (*mailer.Outgoing, error) {
	out := w.ahead
	w.ahead = nil
	if out != nil && out.MemberID == c.MemberID {
		w.cur = 1 - w.cur
		return out, nil
	}
	return w.s.render(w.bg, w.r.issueID, c.Member, c.MessageID, &w.bufs[w.cur])
}

// connect makes sure the worker has a usable connection; false stops it.
func (w *worker) connect() bool {
	if w.conn != nil && w.conn.Usable() {
		return true
	}
	w.hangUp()
	for {
		conn, err := w.s.dial(w.ctx)
		switch {
		case err == nil:
			w.conn = conn
			w.r.live.Add(1)
			return true
		case mailer.Classify(err) == mailer.Pause:
			w.r.pause(mailer.ReplyOf(err))
			return false
		case w.ctx.Err() != nil:
			return false
		case w.r.live.Load() == 0:
			w.r.fail(fmt.Errorf("%w: %w", ErrRelayUnavailable, err))
			return false
		}
		// Other workers' connections work: the relay limits how many it
		// takes at once ("421 too many connections"). This worker keeps
		// its rows and dials again once one of them may have let go.
		t := time.NewTimer(slotWait)
		select {
		case <-w.ctx.Done():
			t.Stop()
			return false
		case <-t.C:
		}
	}
}

// slotWait is how long a worker the relay turned away waits before it
// dials again while other workers' connections work.
const slotWait = time.Second

// hangUp closes the connection, if any.
func (w *worker) hangUp() {
	if w.conn != nil {
		_ = w.conn.Close() // let go: a failed QUIT changes no outcome
		w.r.live.Add(-1)
	}
	w.conn, w.used, w.promised = nil, 0, false
}

// submit hands an outcome to the committer; it becomes prev. The next
// rows are claimed with it when the queue is down to its last: they
// arrive at the next message's gate, in time for their envelope to ride
// behind its dot. Handing the outcome over ends the message's flight:
// the committer counts it landed once it has it, so it never waits for
// an outcome it already holds.
func (w *worker) submit(c Claim, o Outcome, res Result, flying bool) {
	req := &commitReq{outs: []Outcome{o}, flying: flying, done: make(chan committed, 1)}
	held := w.r.held.due(w.s.o.Now(), false)
	for _, h := range held {
		req.outs = append(req.outs, h.o)
	}
	if len(w.queue) <= 1 && !w.drained && res.Class != mailer.Pause && w.ctx.Err() == nil {
		req.claim = w.r.claimBatch
	}
	w.r.commits <- req
	w.prev = &inflight{c: c, o: o, res: res, claim: req.claim, req: req, held: held}
}

// settle waits for the last outcome's commit; false stops the worker.
func (w *worker) settle() bool {
	p := w.prev
	if p == nil {
		return true
	}
	ok := w.absorb(<-p.req.done)
	if ok {
		p.report(w.s, w.r)
	}
	return ok
}

// absorb takes the last outcome's commit answer: it queues the rows
// claimed with it and lets prev go; false stops the worker. It runs on
// the worker, or on the committer during a hand-off.
func (w *worker) absorb(res committed) bool {
	p := w.prev
	w.prev = nil
	if !p.recorded(w.r, res) {
		return false
	}
	if p.claim > 0 {
		w.drained = len(res.claims) < p.claim
	}
	w.queue = append(w.queue, res.claims...)
	return true
}

// gateOpen reports whether a final dot could go out at once: the last
// outcome is durable already.
func (w *worker) gateOpen() bool { return w.prev == nil || len(w.prev.req.done) > 0 }

// stop ends the worker: the last outcome settled, the connection closed
// and claimed rows that were not attempted released to pending, whatever
// stopped it.
func (w *worker) stop() {
	w.settle()
	w.hangUp()
	if len(w.queue) == 0 {
		return
	}
	outs := make([]Outcome, len(w.queue))
	for i, c := range w.queue {
		outs[i] = Outcome{MemberID: c.MemberID, State: StatePending}
	}
	if err := w.s.commit(w.r, outs); err != nil {
		w.r.fail(fmt.Errorf("delivery: release: %w", err))
	}
}

// dial opens a connection, trying three times a few seconds apart unless
// the relay refuses us outright.
func (s *Sender) dial(ctx context.Context) (mailer.Conn, error) {
	var err error
	for attempt := range 3 {
		if attempt > 0 {
			t := time.NewTimer(time.Duration(attempt) * time.Second)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, err
			case <-t.C:
			}
		}
		var c mailer.Conn
		if c, err = s.o.Transport.Open(ctx); err == nil {
			return c, nil
		}
		if mailer.Classify(err) == mailer.Pause || ctx.Err() != nil {
			return nil, err
		}
	}
	return nil, err
}
