package mailer

import (
	"context"
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

// limiter combines a per-second rate and an hourly cap; nil buckets are
// unlimited.
type limiter struct {
	perSec, perHour *bucket
}

func newLimiter(rate float64, burst, hourlyCap int, now time.Time) *limiter {
	l := &limiter{}
	if rate > 0 {
		l.perSec = newBucket(rate, burst, now)
	}
	if hourlyCap > 0 {
		l.perHour = newBucket(float64(hourlyCap)/3600, hourlyCap, now)
	}
	return l
}

// wait blocks until one message may go, or ctx ends.
func (l *limiter) wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var d time.Duration
	now := time.Now()
	var taken []*bucket
	for _, b := range []*bucket{l.perSec, l.perHour} {
		if b == nil {
			continue
		}
		d = max(d, b.reserve(now))
		taken = append(taken, b)
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		for _, b := range taken {
			b.cancel()
		}
		return ctx.Err()
	}
}
