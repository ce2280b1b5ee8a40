package delivery

import (
	"context"
	"errors"
	"strings"
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

func TestPacerHourlyCap(t *testing.T) {
	p := newPacer(&memBudget{}, paceOptions{hourlyCap: 3, workers: 1, maxWait: time.Minute}, time.Now())
	ctx := context.Background()
	for i := range 3 {
		if err := p.wait(ctx, "example.org"); err != nil {
			t.Fatalf("message %d under the cap: %v", i, err)
		}
	}
	// The fourth would wait about 20 minutes (3600 s / 3): longer than
	// maxWait, so it ends the run instead of sleeping.
	start := time.Now()
	var spent *errBudgetWait
	if err := p.wait(ctx, "example.org"); !errors.As(err, &spent) || !strings.Contains(err.Error(), "hourly cap of 3") {
		t.Fatalf("fourth message: %v", err)
	}
	if time.Since(start) > time.Second {
		t.Error("waited instead of giving up")
	}
	if spent.until.Sub(start) < 19*time.Minute {
		t.Errorf("next message at %v, want about 20 minutes on", spent.until.Sub(start))
	}
}

// TestPacerDomainRateAndReady: a domain's rate applies to its domain
// only; ready takes a token only when one is at hand.
func TestPacerDomainRateAndReady(t *testing.T) {
	p := newPacer(&memBudget{}, paceOptions{workers: 1, domainRates: map[string]float64{"Gmail.com": 1}, maxWait: time.Minute}, time.Now())
	ctx := context.Background()
	if p.unlimited() {
		t.Fatal("a domain rate is a limit")
	}
	if err := p.wait(ctx, "gmail.com"); err != nil {
		t.Fatal(err)
	}
	if p.ready("gmail.com") {
		t.Error("ready with the burst spent")
	}
	for range 50 {
		if !p.ready("example.org") {
			t.Fatal("another domain waits for gmail.com's rate")
		}
	}
	ctx2, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if err := p.wait(ctx2, "GMAIL.COM"); err == nil {
		t.Error("a second gmail.com message within the second")
	}
}

func TestWarmupCap(t *testing.T) {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	w := Warmup{Start: start, First: 200, Last: 200000, Days: 42}
	day := func(n int) time.Time { return start.Add(time.Duration(n)*24*time.Hour + 13*time.Hour) }
	for _, tc := range []struct{ day, want int }{{-3, 200}, {0, 200}, {41, 200000}, {42, 0}, {100, 0}} {
		if got := w.Cap(day(tc.day)); got != tc.want {
			t.Errorf("day %d: cap %d, want %d", tc.day, got, tc.want)
		}
	}
	prev := 0
	for n := range 42 {
		c := w.Cap(day(n))
		if c <= prev {
			t.Fatalf("day %d: cap %d after %d: not growing", n, c, prev)
		}
		prev = c
	}
	if (Warmup{}).Cap(start) != 0 {
		t.Error("the zero Warmup caps")
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
