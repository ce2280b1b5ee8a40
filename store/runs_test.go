package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

// TestUnfinishedRuns: every started, unfinished week, oldest first.
func TestUnfinishedRuns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now()
		for _, w := range []string{"2026-W12", "2026-W10", "2026-W11"} {
			if ok, err := s.ClaimRunLease(ctx, w, "o", now, now.Add(time.Hour)); err != nil || !ok {
				t.Fatalf("claim %s: %v %v", w, ok, err)
			}
		}
		if err := s.FinishRun(ctx, "2026-W11", now); err != nil {
			t.Fatal(err)
		}
		got, err := s.UnfinishedRuns(ctx)
		if err != nil || !slices.Equal(got, []string{"2026-W10", "2026-W12"}) {
			t.Fatalf("unfinished runs %v (%v), want W10 and W12", got, err)
		}
	})
}
