package delivery

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/foliopress/folio/mailer"
)

// worker delivers rows until none is due or the run stops. It claims
// ClaimBatch rows at a time and owns one connection reused for up to
// MaxPerConn messages. An outcome's commit runs while the next message
// is rendered and written; the next message's final dot waits for it
// (Outgoing.Gate), so the relay never holds more than one of this
// worker's messages whose outcome is not durable: a crash can leave at
// most one delivered-but-unrecorded message per worker. When its queue
// runs low, the worker's next rows are claimed in that same commit, so
// claiming costs no commit of its own and the queue never runs dry.
func (s *Sender) worker(ctx context.Context, r *run, lim *limiter) {
	var (
		conn mailer.Conn
		used int
		// promised: conn has sent queue[0]'s envelope ahead (pipelining).
		promised bool
		queue    []Claim
		prev     *inflight // the last outcome, maybe still committing
		// bufs hold rendered messages: bufs[cur] the one being sent, the
		// other the next one, rendered ahead while the relay takes this.
		bufs [2][]byte
		cur  int
		// ahead is queue[0]'s message rendered ahead, or nil.
		ahead *mailer.Outgoing
		// drained: a claim found fewer rows than it asked for, so the
		// worker stops claiming ahead and claims again only when empty.
		drained bool
	)
	// absorb takes the last outcome's commit answer: it queues the rows
	// claimed with it and lets prev go; false stops the worker.
	absorb := func(res committed) bool {
		p := prev
		prev = nil
		if !p.recorded(r, res) {
			return false
		}
		if p.claim > 0 {
			drained = len(res.claims) < p.claim
		}
		queue = append(queue, res.claims...)
		return true
	}
	// settle waits for the last outcome's commit; false stops the worker.
	settle := func() bool {
		if prev == nil {
			return true
		}
		p := prev
		ok := absorb(<-p.req.done)
		if ok {
			p.report(s, r)
		}
		return ok
	}
	// Claimed rows that were not attempted go back to pending, whatever
	// stopped the worker.
	defer func() {
		settle()
		if conn != nil {
			_ = conn.Close() // let go: a failed QUIT changes no outcome
		}
		if len(queue) > 0 {
			outs := make([]Outcome, len(queue))
			for i, c := range queue {
				outs[i] = Outcome{MemberID: c.MemberID, State: StatePending}
			}
			if err := s.commit(r, outs); err != nil {
				r.fail(fmt.Errorf("delivery: release: %w", err))
			}
		}
	}()
	// A claimed message is finished whatever happens to ctx: the message
	// in flight completes and its outcome is recorded.
	bg := context.WithoutCancel(ctx)
	for ctx.Err() == nil {
		if len(queue) == 0 {
			// The last outcome is settled first: a claim must never find
			// this worker's just-delivered row still sending. Its commit
			// may bring the next rows.
			if !settle() {
				return
			}
		}
		if len(queue) == 0 {
			now := s.o.Now()
			claims, err := s.o.Ledger.Claim(ctx, r.issueID, r.owner, s.o.ClaimBatch, now, now.Add(s.o.Lease), s.messageID(r.issueID))
			if err != nil {
				if ctx.Err() == nil {
					r.fail(fmt.Errorf("delivery: claim: %w", err))
				}
				return
			}
			if len(claims) == 0 {
				return
			}
			queue, drained = claims, len(claims) < s.o.ClaimBatch
		}
		if err := lim.wait(ctx); err != nil {
			return
		}
		c := queue[0]
		if !s.o.Now().Before(c.NextAttempt) {
			queue = queue[1:] // lease ran out while queued: another run may hold it now
			if promised {
				// The relay waits in DATA for this member's message.
				_ = conn.Close() // let go: a failed QUIT changes no outcome
				conn, promised = nil, false
			}
			continue
		}
		start := time.Now()
		out := ahead
		if out == nil || out.MemberID != c.MemberID {
			var err error
			if out, err = s.render(bg, r.issueID, c.Member, c.MessageID, &bufs[cur]); err != nil {
				r.fail(err)
				return
			}
		} else {
			cur = 1 - cur
		}
		ahead = nil
		// The next message, whose envelope rides behind this one's dot,
		// is rendered while the relay takes this one; a failure there
		// comes up again, and is reported, in its turn.
		out.AfterDot = func() {
			if out.Next == nil || len(queue) == 0 {
				return
			}
			n := queue[0]
			if a, err := s.render(bg, r.issueID, n.Member, n.MessageID, &bufs[1-cur]); err == nil {
				ahead = a
			}
		}
		var err error
		if conn == nil || !conn.Usable() {
			if conn != nil {
				_ = conn.Close() // let go: a failed QUIT changes no outcome
			}
			conn, used = nil, 0
			if conn, err = s.dial(ctx); err != nil {
				if mailer.Classify(err) == mailer.Pause {
					r.pause(mailer.ReplyOf(err))
				} else if ctx.Err() == nil {
					r.fail(fmt.Errorf("%w: %w", ErrRelayUnavailable, err))
				}
				return
			}
		}
		queue = queue[1:]
		// The next member's envelope rides behind this message's dot when
		// the connection will surely carry that message next: a wait in
		// the rate limiter would leave the relay holding an open DATA.
		// It is chosen once the last outcome is settled, which may have
		// claimed the next rows.
		pipelineNext := func() {
			if len(queue) > 0 && used+1 < s.o.MaxPerConn && lim.unlimited() && ctx.Err() == nil {
				out.Next = &mailer.Envelope{From: out.From, To: queue[0].Member.Email}
			}
		}
		settled, flying := true, false
		// fly lets the message go: from here until its outcome is queued
		// it is in flight, and the committer may wait for that outcome.
		fly := func(dot func() error) error {
			r.inFlight.Add(1)
			flying = true
			pipelineNext()
			if dot == nil {
				return nil
			}
			return dot()
		}
		if g, ok := conn.(mailer.GatedConn); ok && g.GatesDot() {
			out.Gate = func(dot func() error) error {
				if p := prev; p != nil && dot != nil {
					// The committer writes the dot right after the commit,
					// on this goroutine's behalf (it waits meanwhile).
					then := func(res committed) error {
						if !absorb(res) {
							settled = false
							return errNotRecorded
						}
						return fly(dot)
					}
					if p.req.handOff(then) {
						<-p.req.done
						if settled {
							p.report(s, r)
						}
						return p.req.thenErr
					}
				}
				if !settle() {
					settled = false
					return errNotRecorded
				}
				return fly(dot)
			}
			out.GateOpen = func() bool { return prev == nil || len(prev.req.done) > 0 }
		} else if !settle() {
			return
		} else {
			pipelineNext()
		}
		reply, sendErr := conn.Deliver(bg, out)
		used++
		promised = out.Next != nil && conn.Usable()
		if !settled || !settle() {
			// Held back before its final dot: never delivered.
			if flying {
				r.inFlight.Add(-1)
			}
			queue = append([]Claim{c}, queue...)
			return
		}
		o, res := s.outcome(r, c, reply, sendErr, start)
		// The next rows are claimed with this outcome when the queue is
		// down to its last: they arrive at the next message's gate, in
		// time for their envelope to ride behind its dot. Handing the
		// outcome over ends the message's flight; the committer counts it
		// landed once it has the outcome, so it never waits for an outcome
		// it already holds.
		req := &commitReq{outs: []Outcome{o}, flying: flying, done: make(chan committed, 1)}
		if len(queue) <= 1 && !drained && res.Class != mailer.Pause && ctx.Err() == nil {
			req.claim = s.o.ClaimBatch
		}
		r.commits <- req
		flying = false
		prev = &inflight{c: c, o: o, res: res, claim: req.claim, req: req}
		if res.Class == mailer.Pause && sendErr != nil {
			settle()
			r.pause(o.Reply)
			return
		}
		if !conn.Usable() || used >= s.o.MaxPerConn {
			_ = conn.Close() // let go: a failed QUIT changes no outcome
			conn, used, promised = nil, 0, false
		}
	}
}

// errNotRecorded holds a message back: the previous outcome's commit
// failed, so the run stops.
var errNotRecorded = errors.New("delivery: the previous outcome was not recorded")

// inflight is an outcome on its way to the ledger, with a claim of up
// to claim rows riding on its commit.
type inflight struct {
	c     Claim
	o     Outcome
	res   Result
	claim int
	req   *commitReq
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

// outcome classifies one attempt into the ledger outcome and the result
// reported once it is committed.
func (s *Sender) outcome(r *run, c Claim, reply string, sendErr error, start time.Time) (Outcome, Result) {
	now := s.o.Now()
	res := Result{IssueID: r.issueID, MemberID: c.MemberID, Reply: reply, Duration: time.Since(start), MessageID: c.MessageID}
	o := Outcome{MemberID: c.MemberID, Reply: reply}
	if sendErr == nil {
		o.State = StateSent
	} else {
		res.Class = mailer.Classify(sendErr)
		o.Reply = mailer.ReplyOf(sendErr)
		switch res.Class {
		case mailer.Pause:
			o.State = StatePending
		case mailer.Permanent:
			o.State = StateFailedPerm
			if mailer.Suppressible(sendErr) {
				o.Suppress = c.Member.Email
			}
		default:
			next, ok := nextAttempt(s.o.Retry, s.o.GiveUp, c.Attempts, c.FirstTry, now)
			if ok {
				o.State, o.Next = StateFailedTemp, next
			} else {
				o.State = StateFailedPerm
				o.Reply = fmt.Sprintf("gave up after %d attempts: %s", c.Attempts, o.Reply)
			}
		}
	}
	res.State, res.Reply = o.State, o.Reply
	return o, res
}
