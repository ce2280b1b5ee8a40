package delivery

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Send delivers issueID to every eligible member. It first makes sure the
// ledger has one row per eligible member (idempotent), then a pool of
// workers claims due rows — pending, due retries, expired leases — a few
// at a time: each row is committed as `sending` before its DATA, then
// `sent` with the relay's reply, `failed_temp` with its next attempt, or
// `failed_perm`. That commit runs while the worker writes its next
// message, whose final dot waits for it: a crash leaves at most one
// accepted-but-unrecorded message per worker, resent with the same
// Message-ID.
// Outcomes of several workers share one commit (group commit). A second
// Send of the same issue sends nothing to members already sent.
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
		return sum, fmt.Errorf("delivery: send %s: %w", issueID, err)
	}
	sum.Added = added

	r := &run{issueID: issueID, owner: newOwner(), commits: make(chan *commitReq, s.o.Workers), perConnMax: s.o.MaxPerConn}
	r.held = holding{after: s.o.PauseAfter, holdFor: min(s.o.Lease/4, maxHold)}
	if b, ok := s.o.Ledger.(OwnerBinder); ok {
		release, err := b.BindOwner(ctx, issueID, r.owner)
		if err != nil {
			return sum, fmt.Errorf("delivery: send %s: %w", issueID, err)
		}
		defer release()
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.cancel = cancel
	pace := newPacer(s.budget(), paceOptions{rate: s.o.Rate, hourlyCap: s.o.HourlyCap, workers: s.o.Workers,
		domainRates: s.o.DomainRates, warmup: s.o.Warmup, maxWait: s.o.MaxWait}, time.Now())
	r.claimBatch = s.claimBatch(pace)
	committed := make(chan struct{})
	go func() {
		defer close(committed)
		s.committer(context.WithoutCancel(ctx), r)
	}()
	var wg sync.WaitGroup
	for range s.o.Workers {
		wg.Go(func() { s.worker(runCtx, r, pace) })
	}
	wg.Wait()
	if err := pace.release(context.WithoutCancel(ctx)); err != nil && r.err == nil {
		r.err = fmt.Errorf("delivery: give back the unused budget: %w", err)
	}
	s.recordHeld(r)
	close(r.commits)
	<-committed

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
	case r.reason != "":
		sum.Reason = "stopped: " + r.reason + "; the rest is pending"
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
	owner   string // this run's name on the rows it holds
	cancel  context.CancelFunc
	commits chan *commitReq
	// inFlight counts messages past their final dot whose outcome is not
	// yet queued for the committer.
	inFlight atomic.Int32
	// accepted counts the messages the relay took in this run.
	accepted atomic.Int64
	// live counts the workers' open connections.
	live atomic.Int32
	// connLimit, when not 0, is how many messages the relay lets one
	// connection carry (it answered 421 after that many).
	connLimit  atomic.Int64
	perConnMax int
	// claimBatch is how many rows a worker claims at a time (ClaimBatch,
	// fewer when limits would keep them waiting past their lease).
	claimBatch int
	held       holding

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

// maxPerConn is how many messages a connection carries: MaxPerConn, or
// fewer once the relay has shown it ends sessions sooner.
func (r *run) maxPerConn() int {
	if n := int(r.connLimit.Load()); n > 0 && n < r.perConnMax {
		return n
	}
	return r.perConnMax
}

// learnConnLimit notes that the relay ended a session after n messages.
func (r *run) learnConnLimit(n int) {
	if n < 1 {
		return
	}
	for {
		old := r.connLimit.Load()
		if old != 0 && old <= int64(n) || r.connLimit.CompareAndSwap(old, int64(n)) {
			return
		}
	}
}

// halt stops the run for a reason that is nobody's failure (the budget
// is spent for now): the rest stays pending for the next run.
func (r *run) halt(reason string) {
	r.mu.Lock()
	if !r.paused && r.err == nil && r.reason == "" {
		r.reason = reason
	}
	r.mu.Unlock()
	r.cancel()
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

// budget is the Sender's Budget: the one in Options, else its own.
func (s *Sender) budget() Budget {
	if s.o.Budget != nil {
		return s.o.Budget
	}
	return &s.mem
}

// claimBatch is ClaimBatch, or fewer when the limits allow less in half
// a lease: a worker never holds rows it cannot send before they expire.
func (s *Sender) claimBatch(p *pacer) int {
	r := p.slowest()
	if r == 0 {
		return s.o.ClaimBatch
	}
	n := int(r * s.o.Lease.Seconds() / 2 / float64(s.o.Workers))
	return min(max(n, 1), s.o.ClaimBatch)
}

// maxHold bounds how long an outcome waits in holding.
const maxHold = 30 * time.Second

// recordHeld records the outcomes still held when the workers are done:
// as they are, or pending when their reply turned out to be the relay's.
func (s *Sender) recordHeld(r *run) {
	held := r.held.due(s.o.Now(), true)
	if len(held) == 0 {
		return
	}
	outs := make([]Outcome, len(held))
	for i, h := range held {
		outs[i] = h.o
	}
	if err := s.commit(r, outs); err != nil && !errors.Is(err, ErrLeaseLost) {
		r.fail(fmt.Errorf("delivery: record held outcomes: %w", err))
		return
	}
	for _, h := range held {
		r.count(h.o.State)
		s.emit(h.res)
	}
}

// newOwner names one run: rows it holds carry this name.
func newOwner() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Sender) emit(res Result) {
	if s.o.OnResult == nil {
		return
	}
	s.resMu.Lock()
	defer s.resMu.Unlock()
	s.o.OnResult(res)
}
