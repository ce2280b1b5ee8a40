package delivery

import (
	"context"
	"math"
	"sync"
	"time"
)

// Budget is the sending allowance that every run and every process
// sending through one store share: token buckets that refill at a rate up
// to a burst (the rate, the hourly cap, each domain's rate) and per-day
// windows (the warm-up's daily cap). So three runs in one hour, or three
// instances on one PostgreSQL, share one hourly cap. Package store
// implements it; without one (Options.Budget nil) a Sender keeps its
// allowance in memory, for itself alone.
type Budget interface {
	// TakeTokens takes up to want tokens from bucket name, which holds at
	// most burst and refills at rate a second (a new bucket starts full).
	// When it takes none, wait says how long until one is there.
	TakeTokens(ctx context.Context, name string, want int, rate float64, burst int, now time.Time) (got int, wait time.Duration, err error)
	// ReturnTokens gives back n tokens taken and not used.
	ReturnTokens(ctx context.Context, name string, n, burst int) error
	// TakeWindow takes up to want of limit in the day starting at day.
	TakeWindow(ctx context.Context, day time.Time, want, limit int) (int, error)
	// ReturnWindow gives back n taken from day's window and not used.
	ReturnWindow(ctx context.Context, day time.Time, n int) error
}

// memBudget is a Budget of one process, in memory.
type memBudget struct {
	mu      sync.Mutex
	buckets map[string]*memBucket
	windows map[time.Time]int
}

type memBucket struct {
	tokens float64
	at     time.Time
}

func (m *memBudget) TakeTokens(_ context.Context, name string, want int, rate float64, burst int, now time.Time) (int, time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.buckets == nil {
		m.buckets = map[string]*memBucket{}
	}
	b := m.buckets[name]
	if b == nil {
		b = &memBucket{tokens: float64(burst), at: now}
		m.buckets[name] = b
	}
	if el := now.Sub(b.at).Seconds(); el > 0 {
		b.tokens, b.at = min(b.tokens+el*rate, float64(burst)), now
	}
	got := min(want, int(math.Floor(b.tokens)))
	b.tokens -= float64(got)
	if got > 0 {
		return got, 0, nil
	}
	return 0, max(time.Duration((1-b.tokens)/rate*float64(time.Second)), time.Millisecond), nil
}

func (m *memBudget) ReturnTokens(_ context.Context, name string, n, burst int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if b := m.buckets[name]; b != nil {
		b.tokens = min(b.tokens+float64(n), float64(burst))
	}
	return nil
}

func (m *memBudget) TakeWindow(_ context.Context, day time.Time, want, limit int) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.windows == nil {
		m.windows = map[time.Time]int{}
	}
	got := max(min(want, limit-m.windows[day]), 0)
	m.windows[day] += got
	return got, nil
}

func (m *memBudget) ReturnWindow(_ context.Context, day time.Time, n int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.windows[day] = max(m.windows[day]-n, 0)
	return nil
}
