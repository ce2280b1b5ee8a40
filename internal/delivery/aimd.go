package delivery

import (
	"sync"
	"sync/atomic"
	"time"
)

// aimd is the pace a relay asked for. When a relay answers 421, 451 or
// 452 with words of rate or volume, the whole run slows down at once —
// multiplicative decrease to half the rate it was going at — and then
// speeds up again by a small step every second it is not told off
// (additive increase), like TCP's congestion window. Each member's
// message is tried again within the run (worker.again), instead of every
// member retrying later on its own clock.
type aimd struct {
	start   time.Time
	ceiling float64 // the configured rate, 0 when none
	workers int     // messages in flight at most
	on      atomic.Bool

	mu   sync.Mutex
	b    *bucket   // the pace; nil until the relay first complains
	step float64   // additive increase, messages per second per second
	cut  time.Time // last decrease
	grew time.Time // last increase
}

// minRate is the slowest a run goes: a message every ten seconds.
const minRate = 0.1

// decrease halves the pace, once for the messages that were in flight
// when the relay complained (they all hear the same complaint): not
// again before that many messages had time to go at the new pace.
// Before the first complaint the pace is what the run achieved so far.
func (a *aimd) decrease(now time.Time, accepted int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.b != nil && now.Sub(a.cut).Seconds() < min(float64(max(a.workers, 1))/a.b.rate, 0.5) {
		return
	}
	var rate float64
	if a.b == nil {
		rate = float64(accepted) / max(now.Sub(a.start).Seconds(), 0.1)
		if a.ceiling > 0 {
			rate = min(rate, a.ceiling)
		}
		a.step = max(rate/20, 0.5)
	} else {
		rate = a.b.rate
	}
	rate = max(rate/2, minRate)
	if a.b == nil {
		a.b = newBucket(rate, 1, now)
		a.b.tokens = 0
	} else {
		a.b.setRate(rate, now)
	}
	a.cut, a.grew = now, now
	a.on.Store(true)
}

// bucket is the pace's bucket, grown by the additive step for the whole
// seconds since the last growth; nil while the relay has not complained.
func (a *aimd) bucket(now time.Time) *bucket {
	if !a.on.Load() {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if s := now.Sub(a.grew).Seconds(); s >= 1 {
		rate := a.b.rate + a.step*float64(int(s))
		if a.ceiling > 0 {
			rate = min(rate, a.ceiling)
		}
		a.b.setRate(rate, now)
		a.grew = now
	}
	return a.b
}
