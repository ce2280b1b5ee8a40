package store_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

// TestBudgetBucket: a bucket starts full, gives at most what it holds,
// says how long until the next token, refills at its rate up to its
// burst, takes back what was not used, and ignores a clock that runs
// behind.
func TestBudgetBucket(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t0 := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
		take := func(want int, now time.Time) (int, time.Duration) {
			t.Helper()
			got, wait, err := s.TakeTokens(ctx, "hourly", want, 60.0/3600, 60, now)
			if err != nil {
				t.Fatal(err)
			}
			return got, wait
		}
		if got, _ := take(50, t0); got != 50 {
			t.Fatalf("a new bucket gave %d of 50", got)
		}
		if got, _ := take(50, t0); got != 10 {
			t.Fatalf("gave %d, want the 10 left", got)
		}
		if got, wait := take(1, t0.Add(30*time.Second)); got != 0 || wait < 29*time.Second || wait > 31*time.Second {
			t.Fatalf("empty bucket: got %d, wait %v; want 0 and about 30 s", got, wait)
		}
		if got, _ := take(5, t0.Add(2*time.Minute)); got != 2 {
			t.Fatalf("after two minutes at 1 a minute: %d", got)
		}
		if got, _ := take(5, t0); got != 0 {
			t.Fatalf("a clock behind gave %d", got)
		}
		if err := s.ReturnTokens(ctx, "hourly", 100, 60); err != nil {
			t.Fatal(err)
		}
		if got, _ := take(100, t0.Add(2*time.Minute)); got != 60 {
			t.Fatalf("after giving back more than the burst: %d, want 60", got)
		}
	})
}

// TestBudgetWindow: a day's window gives up to its limit once, takes
// back what was not used, and a new day starts afresh.
func TestBudgetWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		day := time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC)
		for _, step := range []struct{ want, got int }{{150, 150}, {150, 50}, {1, 0}} {
			got, err := s.TakeWindow(ctx, day, step.want, 200)
			if err != nil || got != step.got {
				t.Fatalf("took %d (%v), want %d", got, err, step.got)
			}
		}
		if err := s.ReturnWindow(ctx, day, 20); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.TakeWindow(ctx, day, 50, 200); got != 20 {
			t.Errorf("after giving back 20: %d", got)
		}
		if got, _ := s.TakeWindow(ctx, day.Add(24*time.Hour), 50, 200); got != 50 {
			t.Errorf("the next day: %d", got)
		}
	})
}

// TestBudgetSharedByStores: several stores on one database (instances),
// each taking from one bucket concurrently, never take more than it
// holds.
func TestBudgetSharedByStores(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			target := storetest.Target(t, engine)
			var stores []*store.Store
			for range 3 {
				s, err := store.Open(context.Background(), target)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = s.Close() })
				stores = append(stores, s)
			}
			now := time.Now()
			var mu sync.Mutex
			total := 0
			var wg sync.WaitGroup
			for i := range 12 {
				s := stores[i%len(stores)]
				wg.Go(func() {
					for range 10 {
						got, _, err := s.TakeTokens(context.Background(), "rate", 3, 0.001, 40, now)
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						total += got
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if total != 40 {
				t.Errorf("took %d tokens from a bucket of 40", total)
			}
		})
	}
}

// TestMigrationBelowTheNewestIsApplied: each part of Folio numbers its
// migrations in its own range, so a database made by a build that had
// version 50 but not 30 meets 30 later: a read-only store says what is
// missing, a writable one applies it.
func TestMigrationBelowTheNewestIsApplied(t *testing.T) {
	ctx := context.Background()
	path := storetest.Target(t, "sqlite")
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TABLE send_budget`, `DELETE FROM goose_db_version WHERE version_id = 30`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if ro, err := store.OpenConfig(ctx, store.Config{Path: path, ReadOnly: true}); err == nil {
		_ = ro.Close()
		t.Fatal("a read-only store opened a database without migration 30")
	} else if !strings.Contains(err.Error(), "version 30") {
		t.Errorf("read-only: %v", err)
	}
	s, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, _, err := s.TakeTokens(ctx, "rate", 1, 1, 1, time.Now()); err != nil || got != 1 {
		t.Fatalf("after migrating: %d %v", got, err)
	}
}
