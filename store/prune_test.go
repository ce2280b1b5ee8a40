package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

// TestPruneKeepsTheArchive: prune removes the ledger rows of sends that
// are over and older than the cutoff; members' archives answer as
// before; a recent send, and an old one still under way, keep theirs.
func TestPruneKeepsTheArchive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		addMembers(t, s, 3, "")
		a, _ := s.MemberByEmail(ctx, "m0@example.org")
		b, _ := s.MemberByEmail(ctx, "m1@example.org")
		old := time.Now().Add(-500 * 24 * time.Hour)
		id := func(m member.Member) string { return "x" }
		// send finishes week: every row sent, but b's skipped (left).
		send := func(week string, at time.Time, finish bool) {
			t.Helper()
			if _, err := s.EnsureDeliveries(ctx, week, delivery.Audience{}, at); err != nil {
				t.Fatal(err)
			}
			if err := s.RecordIssue(ctx, store.Issue{Week: week, BuiltAt: at}); err != nil {
				t.Fatal(err)
			}
			if !finish {
				return
			}
			if err := s.SetStatus(ctx, b.ID, member.StatusPaused); err != nil {
				t.Fatal(err)
			}
			cs, err := s.Claim(ctx, week, "o", 10, at, at.Add(time.Minute), id)
			if err != nil {
				t.Fatal(err)
			}
			var outs []delivery.Outcome
			for _, c := range cs {
				outs = append(outs, delivery.Outcome{MemberID: c.MemberID, State: delivery.StateSent})
			}
			if err := s.Record(ctx, week, "o", outs, at); err != nil {
				t.Fatal(err)
			}
			if err := s.SetStatus(ctx, b.ID, member.StatusActive); err != nil {
				t.Fatal(err)
			}
		}
		send("2024-W01", old, true)
		send("2024-W02", old, false) // never finished: kept
		send("2026-W10", time.Now(), true)
		before := map[int64][]string{}
		for _, m := range []int64{a.ID, b.ID} {
			before[m], _ = s.MemberIssues(ctx, m)
		}
		p, err := s.Prune(ctx, time.Now().Add(-400*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.Issues, []string{"2024-W01"}) || p.Rows != 3 || p.Kept != 2 {
			t.Errorf("pruned %+v, want 2024-W01's 3 rows, 2 kept", p)
		}
		if c, _ := s.Counts(ctx, "2024-W01"); len(c) != 0 {
			t.Errorf("2024-W01 ledger after prune: %v", c)
		}
		for _, w := range []string{"2024-W02", "2026-W10"} {
			if c, _ := s.Counts(ctx, w); len(c) == 0 {
				t.Errorf("%s lost its ledger", w)
			}
		}
		for m, want := range before {
			got, err := s.MemberIssues(ctx, m)
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("member %d archive %v (%v), want %v as before", m, got, err, want)
			}
		}
		if !slices.Contains(before[a.ID], "2024-W01") || slices.Contains(before[b.ID], "2024-W01") {
			t.Errorf("archives before %v: the test needs a member with 2024-W01 and one skipped", before)
		}
		if p, err := s.Prune(ctx, time.Now().Add(-400*24*time.Hour)); err != nil || len(p.Issues) != 0 {
			t.Errorf("second prune: %+v %v", p, err)
		}
	})
}
