package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

func TestMemberIssues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, _, err := s.UpsertMembers(ctx, []member.Member{
			mem("a@example.org", "digital", member.StatusActive),
			mem("b@example.org", "print", member.StatusActive),
		}); err != nil {
			t.Fatal(err)
		}
		a, _ := s.MemberByEmail(ctx, "a@example.org")
		b, _ := s.MemberByEmail(ctx, "b@example.org")
		now := time.Now()
		// W01: both; W02: digital only; W03: both but a left before the send;
		// W04: has ledger rows but was never recorded as built.
		for _, w := range []struct {
			week  string
			tiers []string
		}{{"2026-W01", nil}, {"2026-W02", []string{"digital"}}, {"2026-W03", nil}, {"2026-W04", nil}} {
			if _, err := s.EnsureDeliveries(ctx, w.week, delivery.Audience{Tiers: w.tiers}, now); err != nil {
				t.Fatal(err)
			}
			if w.week != "2026-W04" {
				if err := s.RecordIssue(ctx, store.Issue{Week: w.week, BuiltAt: now}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := s.SetStatus(ctx, a.ID, member.StatusUnsubscribed); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Claim(ctx, "2026-W03", "o", 5, now, now.Add(time.Minute), func(member.Member) string { return "x" }); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			id   int64
			want []string
		}{
			{a.ID, []string{"2026-W02", "2026-W01"}},
			{b.ID, []string{"2026-W03", "2026-W01"}},
			{999, nil},
		}
		for _, tc := range tests {
			got, err := s.MemberIssues(ctx, tc.id)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("member %d: %v, want %v", tc.id, got, tc.want)
			}
		}
	})
}

func BenchmarkMemberIssues(b *testing.B) {
	ctx := context.Background()
	s := open(b)
	members := make([]member.Member, 5000)
	for i := range members {
		members[i] = member.Member{Email: fmt.Sprintf("m%d@example.org", i), Tier: "print", Status: member.StatusActive}
	}
	if _, _, err := s.UpsertMembers(ctx, members); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	for w := 1; w <= 20; w++ {
		week := fmt.Sprintf("2026-W%02d", w)
		if _, err := s.EnsureDeliveries(ctx, week, delivery.Audience{}, now); err != nil {
			b.Fatal(err)
		}
		if err := s.RecordIssue(ctx, store.Issue{Week: week, BuiltAt: now}); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		weeks, err := s.MemberIssues(ctx, 2500)
		if err != nil || len(weeks) != 20 {
			b.Fatal(weeks, err)
		}
	}
}
