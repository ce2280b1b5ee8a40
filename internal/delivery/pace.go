package delivery

import (
	"sync"
	"time"
)

// bucket is a token bucket that hands out reservations: a caller learns
// when its token is due and sleeps alone, outside the lock, so a waiting
// worker never holds up the others and nobody sleeps past their slot.
type bucket struct {
	mu     sync.Mutex
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, burst int, now time.Time) *bucket {
	if burst < 1 {
		burst = 1
	}
	return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: now}
}

// reserve takes one token and returns how long to wait for it.
func (b *bucket) reserve(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens += el * b.rate
		if b.tokens > b.burst {
			b.tokens = b.burst
		}
		b.last = now
	}
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.rate * float64(time.Second))
}

// cancel returns a token reserved by a caller that gave up waiting.
func (b *bucket) cancel() {
	b.mu.Lock()
	b.tokens++
	b.mu.Unlock()
}

// DefaultRetry returns the default backoff after the 1st, 2nd, …
// temporary failure: 5m, 15m, 30m, 1h, then every 2h (RFC 5321 §4.5.4.1:
// growing intervals). The last step repeats.
func DefaultRetry() []time.Duration {
	return []time.Duration{5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour}
}

// DefaultGiveUp is how long a temporarily failing delivery is retried.
const DefaultGiveUp = 72 * time.Hour

// nextAttempt returns when to retry after the attempts-th failure, and
// false when the delivery first tried at first should be given up.
func nextAttempt(schedule []time.Duration, giveUp time.Duration, attempts int, first, now time.Time) (time.Time, bool) {
	if len(schedule) == 0 {
		schedule = DefaultRetry()
	}
	if giveUp <= 0 {
		giveUp = DefaultGiveUp
	}
	i := min(max(attempts-1, 0), len(schedule)-1)
	next := now.Add(schedule[i])
	if next.Sub(first) > giveUp {
		return time.Time{}, false
	}
	return next, true
}

// setRate changes the bucket's rate from now on.
func (b *bucket) setRate(rate float64, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(b.tokens+el*b.rate, b.burst)
		b.last = now
	}
	b.rate = rate
}
