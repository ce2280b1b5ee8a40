package delivery

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"
)

// pacer is how fast one Send may go: the configured limits, kept in the
// shared Budget so runs and instances share them (the rate, the hourly
// cap, each recipient domain's rate, the warm-up's daily cap), and the
// pace the relay asked for (aimd, this run's own). A message needs a
// token of each limit that applies to it. Tokens are taken from the
// Budget a few at a time and held for this run; what is left over goes
// back when the run ends.
type pacer struct {
	budget  Budget
	global  []*limit
	domains map[string]*limit
	relay   aimd
	// maxWait is the longest a message waits for a token; a longer wait
	// ends the run (the rest stays pending for the next one).
	maxWait time.Duration
}

// limit is one allowance: a token bucket in the Budget, or (daily set)
// the day's window. Safe for concurrent use.
type limit struct {
	what  string // for the operator: "the hourly cap of 60"
	name  string // the bucket's name in the Budget
	rate  float64
	burst int
	// daily, when set, is the cap of a day (0: none that day).
	daily func(day time.Time) int
	chunk int // tokens taken from the Budget at a time

	mu   sync.Mutex
	held int       // taken from the Budget, not yet used
	day  time.Time // the window held tokens are of
}

// errBudgetWait ends a run whose next message would wait too long.
type errBudgetWait struct {
	what  string
	until time.Time
}

func (e *errBudgetWait) Error() string {
	return fmt.Sprintf("%s is spent; the next message may go at %s", e.what, e.until.Local().Format("15:04:05 (Jan 2)"))
}

// paceOptions are the limits of a Send.
type paceOptions struct {
	rate        float64
	hourlyCap   int
	workers     int
	domainRates map[string]float64
	warmup      Warmup
	maxWait     time.Duration
}

func newPacer(b Budget, o paceOptions, now time.Time) *pacer {
	p := &pacer{budget: b, maxWait: o.maxWait, relay: aimd{start: now, ceiling: o.rate, workers: o.workers}}
	if o.rate > 0 {
		// A tenth of a second's worth at once: the rate holds over any
		// second, and the Budget is asked a few times a second at most.
		burst := max(o.workers, int(math.Ceil(o.rate/10)))
		p.global = append(p.global, &limit{what: fmt.Sprintf("the rate of %g a second", o.rate),
			name: "rate", rate: o.rate, burst: burst, chunk: max(1, burst/2)})
	}
	if o.hourlyCap > 0 {
		p.global = append(p.global, &limit{what: fmt.Sprintf("the hourly cap of %d", o.hourlyCap),
			name: "hourly", rate: float64(o.hourlyCap) / 3600, burst: o.hourlyCap, chunk: min(max(1, o.hourlyCap/100), 32)})
	}
	if o.warmup.enabled() {
		p.global = append(p.global, &limit{what: "the warm-up's daily cap", daily: o.warmup.Cap,
			chunk: min(max(1, o.warmup.First/100), 32)})
	}
	domains := make([]string, 0, len(o.domainRates))
	for d := range o.domainRates {
		domains = append(domains, d)
	}
	sort.Strings(domains)
	for _, d := range domains {
		r := o.domainRates[d]
		if r <= 0 {
			continue
		}
		if p.domains == nil {
			p.domains = map[string]*limit{}
		}
		burst := max(1, int(math.Ceil(r/10)))
		d = strings.ToLower(d)
		p.domains[d] = &limit{what: fmt.Sprintf("%s's rate of %g a second", d, r), name: "domain:" + d,
			rate: r, burst: burst, chunk: max(1, burst/2)}
	}
	return p
}

// unlimited reports whether wait never blocks: no limit and no slowing
// down asked by the relay.
func (p *pacer) unlimited() bool {
	return len(p.global) == 0 && len(p.domains) == 0 && !p.relay.on.Load()
}

// slowDown is the relay asking the run to slow down (mailer.Throttled).
func (p *pacer) slowDown(now time.Time, accepted int64) { p.relay.decrease(now, accepted) }

// slowest is the slowest refill of the global limits, messages a second
// (0: none): how fast a run can go in the long run.
func (p *pacer) slowest() float64 {
	r := 0.0
	for _, l := range p.global {
		lr := l.rate
		if l.daily != nil {
			lr = float64(max(l.daily(time.Now()), 1)) / 86400
		}
		if r == 0 || lr < r {
			r = lr
		}
	}
	return r
}

// wait blocks until a message to domain may go: a token of every limit
// that applies, then the relay's pace. An errBudgetWait ends the run.
func (p *pacer) wait(ctx context.Context, domain string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, l := range p.global {
		if err := l.take(ctx, p); err != nil {
			return err
		}
	}
	if l := p.domains[strings.ToLower(domain)]; l != nil {
		if err := l.take(ctx, p); err != nil {
			return err
		}
	}
	b := p.relay.bucket(time.Now())
	if b == nil {
		return nil
	}
	d := b.reserve(time.Now())
	if d <= 0 {
		return nil
	}
	return sleep(ctx, d, b.cancel)
}

// ready takes what a message to domain needs only if it is at hand
// (tokens held, the relay's pace allowing it now): a message whose
// envelope goes ahead must not then wait. It reports whether it did. It
// never blocks.
func (p *pacer) ready(domain string) bool {
	ls := p.global
	if l := p.domains[strings.ToLower(domain)]; l != nil {
		ls = append(ls[:len(ls):len(ls)], l)
	}
	// ready may run on the committer (a handed-off dot), which must never
	// wait behind a worker sleeping in take with a lock: every lock is
	// tried, none waited for, and all are held only to look and take.
	locked := make([]*limit, 0, len(ls))
	defer func() {
		for _, l := range locked {
			l.mu.Unlock()
		}
	}()
	today := dayOf(time.Now())
	for _, l := range ls {
		if l.daily != nil && l.daily(today) <= 0 {
			continue // no cap today
		}
		if !l.mu.TryLock() {
			return false
		}
		locked = append(locked, l)
		if l.held == 0 || (l.daily != nil && !l.day.Equal(today)) {
			return false
		}
	}
	if b := p.relay.bucket(time.Now()); b != nil {
		if b.reserve(time.Now()) > 0 {
			b.cancel()
			return false
		}
	}
	for _, l := range locked {
		l.held--
	}
	return true
}

// take takes one token, from those held or from the Budget, waiting for
// one when the Budget has none (at most maxWait).
func (l *limit) take(ctx context.Context, p *pacer) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		now := time.Now()
		if l.daily != nil {
			day := dayOf(now)
			if !l.day.Equal(day) {
				// Yesterday's tokens are no use today; failing to give
				// them back only leaves yesterday's window fuller.
				_ = l.returnHeld(context.WithoutCancel(ctx), p)
				l.day = day
			}
			if l.daily(day) <= 0 {
				return nil // no cap today
			}
		}
		if l.held > 0 {
			l.held--
			return nil
		}
		var got int
		var wait time.Duration
		var err error
		if l.daily != nil {
			got, err = p.budget.TakeWindow(ctx, l.day, l.chunk, l.daily(l.day))
			wait = l.day.Add(24 * time.Hour).Sub(now)
		} else {
			got, wait, err = p.budget.TakeTokens(ctx, l.name, l.chunk, l.rate, l.burst, now)
		}
		if err != nil {
			return fmt.Errorf("delivery: %s: %w", l.what, err)
		}
		if got > 0 {
			l.held += got
			continue
		}
		if wait > p.maxWait {
			return &errBudgetWait{what: l.what, until: now.Add(wait)}
		}
		if err := sleep(ctx, wait, nil); err != nil {
			return err
		}
	}
}

// returnHeld gives the tokens held back to the Budget (l.mu held).
func (l *limit) returnHeld(ctx context.Context, p *pacer) error {
	if l.held == 0 {
		return nil
	}
	n := l.held
	l.held = 0
	if l.daily != nil {
		return p.budget.ReturnWindow(ctx, l.day, n)
	}
	return p.budget.ReturnTokens(ctx, l.name, n, l.burst)
}

// release gives every token held back to the Budget, at the run's end.
func (p *pacer) release(ctx context.Context) error {
	var errs []error
	ls := append([]*limit(nil), p.global...)
	for _, l := range p.domains {
		ls = append(ls, l)
	}
	for _, l := range ls {
		l.mu.Lock()
		errs = append(errs, l.returnHeld(ctx, p))
		l.mu.Unlock()
	}
	return errors.Join(errs...)
}

// sleep waits d, or until ctx ends (then cancel, when set, runs).
func sleep(ctx context.Context, d time.Duration, cancel func()) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		if cancel != nil {
			cancel()
		}
		return ctx.Err()
	}
}

// dayOf is the UTC day of t: warm-up caps count per UTC day.
func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
