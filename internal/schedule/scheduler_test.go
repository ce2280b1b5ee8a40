package schedule

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/foliopress/folio/issue"
)

// memRuns is an in-memory Runs for the scheduler's decision logic; the
// store's own implementation is tested against SQLite in package store.
type memRuns struct {
	mu       sync.Mutex
	started  map[string]time.Time
	finished map[string]bool
	owner    map[string]string
	until    map[string]time.Time
}

func newMemRuns() *memRuns {
	return &memRuns{started: map[string]time.Time{}, finished: map[string]bool{}, owner: map[string]string{}, until: map[string]time.Time{}}
}

func (m *memRuns) ClaimRunLease(_ context.Context, week, owner string, now, until time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.started[week]; !ok {
		m.started[week], m.owner[week], m.until[week] = now, owner, until
		return true, nil
	}
	if m.finished[week] || (m.owner[week] != owner && !m.until[week].Before(now)) {
		return false, nil
	}
	m.owner[week], m.until[week] = owner, until
	return true, nil
}

func (m *memRuns) RenewRun(_ context.Context, week, owner string, until time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.owner[week] != owner || m.finished[week] {
		return false, nil
	}
	m.until[week] = until
	return true, nil
}

func (m *memRuns) RunState(_ context.Context, week string) (bool, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, s := m.started[week]
	return s, m.finished[week], nil
}

func (m *memRuns) UnfinishedRuns(context.Context) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for w := range m.started {
		if !m.finished[w] {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return out, nil
}

func (m *memRuns) FinishRun(_ context.Context, week string, _ time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.finished[week] = true
	return nil
}

func TestParse(t *testing.T) {
	tests := []struct {
		spec, want string
	}{
		{"CRON_TZ=America/New_York 0 7 * * FRI", ""},
		{"0 7 * * FRI", ""},
		{"CRON_TZ=Europe/Berlin", "a time zone but no schedule"},
		{"CRON_TZ=Mars/Base 0 7 * * FRI", "time zone"},
		{"0 7 * *", "expected exactly 5 fields"},
		{"61 7 * * FRI", "61"},
		{"@every 1h", "not @every"},
		{"TZ= 0 7 * * *", "time zone"},
	}
	for _, tc := range tests {
		_, err := Parse(tc.spec, time.UTC)
		if tc.want == "" && err != nil {
			t.Errorf("Parse(%q): %v", tc.spec, err)
		}
		if tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrBadSpec)) {
			t.Errorf("Parse(%q) = %v, want error with %q", tc.spec, err, tc.want)
		}
	}
}

// TestDSTWeeks wakes a scheduler the way Run does — on every fire time
// robfig/cron itself computes (which skips the spring-forward gap and
// doubles the fall-back hour) and on the quarter-hour safety tick — over
// three years, and checks every week ran exactly once, near its time.
func TestDSTWeeks(t *testing.T) {
	tests := []struct {
		zone, spec string
	}{
		{"America/New_York", "30 2 * * SUN"}, // inside the skipped hour each March
		{"America/New_York", "30 1 * * SUN"}, // inside the repeated hour each November
		{"Europe/Berlin", "30 2 * * SUN"},    // skipped in March, repeated in October
		{"America/New_York", "0 7 * * FRI"},
	}
	for _, tc := range tests {
		t.Run(tc.zone+" "+tc.spec, func(t *testing.T) {
			loc, _ := time.LoadLocation(tc.zone)
			spec, err := Parse("CRON_TZ="+tc.zone+" "+tc.spec, nil)
			if err != nil {
				t.Fatal(err)
			}
			robfig, err := cron.ParseStandard(spec.CronSpec())
			if err != nil {
				t.Fatal(err)
			}
			tick, _ := cron.ParseStandard("CRON_TZ=UTC " + SafetyTick)

			start := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
			end := start.AddDate(3, 0, 0)
			runs := newMemRuns()
			var now time.Time
			ran := map[issue.Week][]time.Time{}
			s := &Scheduler{Spec: spec, CatchUp: 48 * time.Hour, Runs: runs, Now: func() time.Time { return now },
				Job: func(_ context.Context, w issue.Week) error {
					ran[w] = append(ran[w], now)
					return nil
				}}
			nextFire, nextTick := robfig.Next(start), tick.Next(start)
			for {
				now = nextFire
				if nextTick.Before(nextFire) {
					now = nextTick
				}
				if now.After(end) {
					break
				}
				if now.Equal(nextFire) {
					nextFire = robfig.Next(now)
				}
				if now.Equal(nextTick) {
					nextTick = tick.Next(now)
				}
				if _, err := s.Wake(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			weeks := 0
			for w := issue.WeekOf(start.AddDate(0, 0, 7)); w.Start(loc).AddDate(0, 0, 7).Before(end); w = w.Next() {
				weeks++
				times := ran[w]
				if len(times) != 1 {
					t.Errorf("week %s ran %d times: %v", w, len(times), times)
					continue
				}
				due, _ := spec.Last(times[0])
				if d := times[0].Sub(due); d < 0 || d > time.Hour {
					t.Errorf("week %s ran at %v, %v after its fire time %v", w, times[0], d, due)
				}
			}
			if weeks < 150 {
				t.Fatalf("only %d weeks checked", weeks)
			}
		})
	}
}

func TestCatchUp(t *testing.T) {
	spec, _ := Parse("CRON_TZ=America/New_York 0 7 * * FRI", nil)
	loc := spec.Location
	fire := time.Date(2026, 3, 6, 7, 0, 0, 0, loc)
	tests := []struct {
		name  string
		now   time.Time
		ran   bool
		why   string
		week  string
		state func(*memRuns)
	}{
		{"on time", fire, true, "ran", "2026-W10", nil},
		{"down 47h", fire.Add(47 * time.Hour), true, "ran", "2026-W10", nil},
		{"down 49h", fire.Add(49 * time.Hour), false, "older than catch_up", "2026-W10", nil},
		{"before the fire", fire.Add(-time.Minute), false, "older than catch_up", "2026-W09", nil},
		{"already done", fire.Add(time.Hour), false, "already done", "2026-W10", func(m *memRuns) { m.started["2026-W10"] = fire; m.finished["2026-W10"] = true }},
		{"resume unfinished", fire.Add(time.Hour), true, "ran", "2026-W10", func(m *memRuns) { m.started["2026-W10"] = fire }},
		{"resume unfinished past catch_up", fire.Add(60 * time.Hour), true, "ran", "2026-W10", func(m *memRuns) { m.started["2026-W10"] = fire }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			runs := newMemRuns()
			if tc.state != nil {
				tc.state(runs)
			}
			jobs := 0
			s := &Scheduler{Spec: spec, CatchUp: 48 * time.Hour, Runs: runs, Now: func() time.Time { return tc.now },
				Job: func(context.Context, issue.Week) error { jobs++; return nil }}
			out, err := s.Wake(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if out.Ran != tc.ran || !strings.Contains(out.Reason, tc.why) || out.Week.String() != tc.week || (jobs == 1) != tc.ran {
				t.Errorf("outcome %+v, jobs %d", out, jobs)
			}
		})
	}
}

func TestFailedJobIsRetried(t *testing.T) {
	spec, _ := Parse("CRON_TZ=UTC 0 7 * * FRI", nil)
	now := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
	runs := newMemRuns()
	fail := true
	s := &Scheduler{Spec: spec, CatchUp: time.Hour, Runs: runs, Now: func() time.Time { return now },
		Job: func(context.Context, issue.Week) error {
			if fail {
				return errors.New("relay down")
			}
			return nil
		}}
	if _, err := s.Wake(context.Background()); err == nil {
		t.Fatal("failed job reported success")
	}
	fail = false
	now = now.Add(15 * time.Minute)
	if out, err := s.Wake(context.Background()); err != nil || !out.Ran {
		t.Fatalf("retry: %+v %v", out, err)
	}
	if out, _ := s.Wake(context.Background()); out.Ran {
		t.Fatal("ran a finished week again")
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	spec, _ := Parse("CRON_TZ=UTC 0 7 * * FRI", nil)
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	wakes := 0
	s := &Scheduler{Spec: spec, CatchUp: 365 * 24 * time.Hour, Runs: newMemRuns(), Now: time.Now,
		Job: func(context.Context, issue.Week) error { panic("job panics") },
		Report: func(Outcome, error) {
			mu.Lock()
			wakes++
			mu.Unlock()
			cancel()
		}}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop after cancel")
	}
	if wakes == 0 {
		t.Fatal("no catch-up wake at start")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"CRON_TZ=America/New_York 0 7 * * FRI", "CRON_TZ=Europe/Berlin", "TZ=", "@every 1h", "0 7 * *", "*/0 * * * *"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := Parse(s, time.UTC) // must never panic
		if err != nil {
			return
		}
		if _, err := cron.ParseStandard(spec.CronSpec()); err != nil {
			t.Fatalf("accepted %q but robfig/cron rejects %q: %v", s, spec.CronSpec(), err)
		}
		spec.Last(time.Date(2026, 3, 8, 3, 0, 0, 0, time.UTC))
	})
}

func TestNext(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	spec, err := Parse("CRON_TZ=America/New_York 0 7 * * FRI", nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ now, want time.Time }{
		{time.Date(2026, 3, 4, 12, 0, 0, 0, ny), time.Date(2026, 3, 6, 7, 0, 0, 0, ny)},
		{time.Date(2026, 3, 6, 7, 0, 0, 0, ny), time.Date(2026, 3, 13, 7, 0, 0, 0, ny)},
		{time.Date(2026, 3, 6, 6, 59, 0, 0, ny), time.Date(2026, 3, 6, 7, 0, 0, 0, ny)},
	}
	for _, tc := range tests {
		if got := spec.Next(tc.now); !got.Equal(tc.want) {
			t.Errorf("Next(%v) = %v, want %v", tc.now, got, tc.want)
		}
	}
}
