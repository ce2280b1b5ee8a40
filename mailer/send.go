package mailer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Send delivers issueID to every eligible member. It first makes sure the
// ledger has one row per eligible member (idempotent), then a pool of
// workers claims due rows — pending, due retries, expired leases — one at
// a time: each row is committed as `sending` before its DATA, then `sent`
// with the relay's reply, `failed_temp` with its next attempt, or
// `failed_perm`. A second Send of the same issue sends nothing to members
// already sent.
//
// Send returns when no row is due. Rows failing temporarily stay
// failed_temp until their next attempt; a later Send (the scheduler, or
// the operator) picks them up. Cancelling ctx stops claiming new rows and
// lets messages in flight finish: Summary.Reason says so and the error is
// nil. ErrPaused means the relay refused us (authentication, 5.7.x
// policy): the rest is left pending for a later Send.
func (s *Sender) Send(ctx context.Context, issueID string) (Summary, error) {
	sum := Summary{IssueID: issueID}
	added, err := s.o.Ledger.EnsureDeliveries(ctx, issueID, s.o.Audience, s.o.Now())
	if err != nil {
		return sum, fmt.Errorf("mailer: send %s: %w", issueID, err)
	}
	sum.Added = added

	r := &run{issueID: issueID}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.cancel = cancel
	lim := newLimiter(s.o.Rate, s.o.Workers, s.o.HourlyCap, time.Now())
	var wg sync.WaitGroup
	for range s.o.Workers {
		wg.Go(func() { s.worker(runCtx, r, lim) })
	}
	wg.Wait()

	sum.Sent, sum.Retrying, sum.Failed = r.sent, r.retrying, r.failed
	counts, cerr := s.o.Ledger.Counts(context.WithoutCancel(ctx), issueID)
	sum.Counts = counts
	switch {
	case r.paused:
		sum.Paused = true
		sum.Reason = "paused: " + r.reason
		return sum, fmt.Errorf("%w: %s", ErrPaused, r.reason)
	case r.err != nil:
		sum.Reason = "stopped: " + r.err.Error()
		return sum, r.err
	case ctx.Err() != nil:
		sum.Reason = "stopped on request; the rest is pending"
	}
	if cerr != nil {
		return sum, cerr
	}
	return sum, nil
}

// run is the shared state of one Send's workers.
type run struct {
	issueID string
	cancel  context.CancelFunc

	mu                     sync.Mutex
	sent, retrying, failed int
	paused                 bool
	reason                 string
	err                    error
}

func (r *run) count(st State) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch st {
	case StateSent:
		r.sent++
	case StateFailedTemp:
		r.retrying++
	case StateFailedPerm:
		r.failed++
	}
}

// pause stops the run because the relay refuses us.
func (r *run) pause(reason string) {
	r.mu.Lock()
	if !r.paused && r.err == nil {
		r.paused, r.reason = true, reason
	}
	r.mu.Unlock()
	r.cancel()
}

// fail stops the run on an error of ours (ledger, composer, relay down).
func (r *run) fail(err error) {
	r.mu.Lock()
	if !r.paused && r.err == nil {
		r.err = err
	}
	r.mu.Unlock()
	r.cancel()
}

// worker claims and delivers rows until none is due or the run stops. It
// owns one connection, reused for up to MaxPerConn messages.
func (s *Sender) worker(ctx context.Context, r *run, lim *limiter) {
	var conn Conn
	used := 0
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	// Once a row is claimed it is finished whatever happens to ctx: the
	// message in flight completes and its outcome is recorded.
	bg := context.WithoutCancel(ctx)
	for {
		if err := lim.wait(ctx); err != nil {
			return
		}
		now := s.o.Now()
		claim, err := s.o.Ledger.ClaimNext(ctx, r.issueID, now, now.Add(s.o.Lease), s.messageID(r.issueID))
		if err != nil {
			if ctx.Err() == nil {
				r.fail(fmt.Errorf("mailer: claim: %w", err))
			}
			return
		}
		if claim == nil {
			return
		}
		start := time.Now()
		release := func() {
			if err := s.o.Ledger.Release(bg, r.issueID, claim.MemberID, s.o.Now()); err != nil {
				r.fail(fmt.Errorf("mailer: release: %w", err))
			}
			s.emit(Result{IssueID: r.issueID, MemberID: claim.MemberID, State: StatePending, MessageID: claim.MessageID})
		}
		out, err := s.render(bg, r.issueID, claim.Member, claim.MessageID)
		if err != nil {
			release()
			r.fail(err)
			return
		}
		if conn == nil || !conn.Usable() {
			if conn != nil {
				conn.Close()
			}
			conn, used = nil, 0
			c, err := s.dial(ctx)
			if err != nil {
				release()
				if Classify(err) == Pause {
					r.pause(replyOf(err))
				} else if ctx.Err() == nil {
					r.fail(fmt.Errorf("%w: %w", ErrRelayUnavailable, err))
				}
				return
			}
			conn = c
		}
		reply, err := conn.Deliver(bg, out)
		used++
		if !s.record(bg, r, claim, reply, err, start) {
			return
		}
		if !conn.Usable() || used >= s.o.MaxPerConn {
			conn.Close()
			conn, used = nil, 0
		}
	}
}

// dial opens a connection, trying three times a few seconds apart unless
// the relay refuses us outright.
func (s *Sender) dial(ctx context.Context) (Conn, error) {
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
		var c Conn
		if c, err = s.o.Transport.Open(ctx); err == nil {
			return c, nil
		}
		if Classify(err) == Pause || ctx.Err() != nil {
			return nil, err
		}
	}
	return nil, err
}

// record writes one attempt's outcome to the ledger; false stops the worker.
func (s *Sender) record(ctx context.Context, r *run, c *Claim, reply string, sendErr error, start time.Time) bool {
	now := s.o.Now()
	res := Result{IssueID: r.issueID, MemberID: c.MemberID, Reply: reply, Duration: time.Since(start), MessageID: c.MessageID}
	var err error
	switch {
	case sendErr == nil:
		res.State = StateSent
		err = s.o.Ledger.MarkSent(ctx, r.issueID, c.MemberID, reply, now)
	default:
		res.Class = Classify(sendErr)
		res.Reply = replyOf(sendErr)
		switch res.Class {
		case Pause:
			res.State = StatePending
			err = s.o.Ledger.Release(ctx, r.issueID, c.MemberID, now)
			r.pause(res.Reply)
		case Permanent:
			res.State = StateFailedPerm
			err = s.o.Ledger.MarkFailed(ctx, r.issueID, c.MemberID, StateFailedPerm, res.Reply, time.Time{}, now)
			if err == nil && Suppressible(sendErr) {
				err = s.o.Ledger.Suppress(ctx, c.Member.Email, res.Reply, now)
			}
		default:
			next, ok := nextAttempt(s.o.Retry, s.o.GiveUp, c.Attempts, c.FirstTry, now)
			if ok {
				res.State = StateFailedTemp
				err = s.o.Ledger.MarkFailed(ctx, r.issueID, c.MemberID, StateFailedTemp, res.Reply, next, now)
			} else {
				res.State = StateFailedPerm
				res.Reply = fmt.Sprintf("gave up after %d attempts: %s", c.Attempts, res.Reply)
				err = s.o.Ledger.MarkFailed(ctx, r.issueID, c.MemberID, StateFailedPerm, res.Reply, time.Time{}, now)
			}
		}
	}
	if err != nil {
		r.fail(fmt.Errorf("mailer: record %s/%d: %w", r.issueID, c.MemberID, err))
		return false
	}
	r.count(res.State)
	s.emit(res)
	return res.Class != Pause || sendErr == nil
}

// replyOf is the operator-readable reply of a failure.
func replyOf(err error) string {
	var se *SMTPError
	if errors.As(err, &se) {
		return se.Reply()
	}
	return err.Error()
}

func (s *Sender) emit(res Result) {
	if s.o.OnResult == nil {
		return
	}
	s.resMu.Lock()
	defer s.resMu.Unlock()
	s.o.OnResult(res)
}
