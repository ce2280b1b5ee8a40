package delivery

import (
	"context"
	"testing"
	"time"
)

func TestBucketReservations(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	b := newBucket(20, 2, t0) // 20/s, burst 2
	want := []time.Duration{0, 0, 50 * time.Millisecond, 100 * time.Millisecond, 150 * time.Millisecond}
	for i, w := range want {
		if got := b.reserve(t0); got != w {
			t.Errorf("reservation %d: wait %v, want %v", i, got, w)
		}
	}
	// 300 ms later the debt (3 tokens) is paid and 3 more have accrued,
	// capped at the burst of 2: the next waits nothing, the third waits.
	later := t0.Add(300 * time.Millisecond)
	if got := b.reserve(later); got != 0 {
		t.Errorf("after refill: %v", got)
	}
	b.cancel()
	if got := b.reserve(later); got != 0 {
		t.Errorf("cancelled token not returned: %v", got)
	}
}

func TestLimiterHourlyCap(t *testing.T) {
	l := newLimiter(0, 1, 3, time.Now())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	for i := range 3 {
		if err := l.wait(ctx); err != nil {
			t.Fatalf("message %d under the cap: %v", i, err)
		}
	}
	// The fourth must wait about 20 minutes (3600 s / 3): it gives up
	// when ctx ends instead of sleeping.
	start := time.Now()
	if err := l.wait(ctx); err == nil {
		t.Fatal("fourth message passed an hourly cap of 3")
	}
	if time.Since(start) > time.Second {
		t.Error("wait ignored ctx")
	}
}

func TestNextAttemptSchedule(t *testing.T) {
	first := time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC)
	now := first
	var waits []time.Duration
	for attempts := 1; ; attempts++ {
		next, ok := nextAttempt(nil, 0, attempts, first, now)
		if !ok {
			break
		}
		waits = append(waits, next.Sub(now))
		now = next
	}
	want := []time.Duration{5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour}
	for i, w := range want {
		if waits[i] != w {
			t.Errorf("wait %d = %v, want %v", i, waits[i], w)
		}
	}
	for _, w := range waits[len(want):] {
		if w != 2*time.Hour {
			t.Errorf("later wait %v, want 2h", w)
		}
	}
	if total := now.Sub(first); total > 72*time.Hour || len(waits) != 4+35 {
		t.Errorf("%d retries over %v", len(waits), total)
	}
}
