package server_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"folio.example/folio/mailer"
	"folio.example/folio/server"
	"folio.example/folio/store"
)

// BenchmarkLedgerArchive measures the archive lookup over the store's
// existing methods: 5,000 members, 20 sent issues.
func BenchmarkLedgerArchive(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "folio.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	members := make([]mailer.Member, 5000)
	for i := range members {
		members[i] = mailer.Member{Email: fmt.Sprintf("m%d@example.org", i), Tier: "print", Status: mailer.StatusActive}
	}
	if _, _, err := st.UpsertMembers(ctx, members); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	for w := 1; w <= 20; w++ {
		week := fmt.Sprintf("2026-W%02d", w)
		if _, err := st.EnsureDeliveries(ctx, week, mailer.Audience{}, now); err != nil {
			b.Fatal(err)
		}
		if err := st.RecordIssue(ctx, store.Issue{Week: week, BuiltAt: now}); err != nil {
			b.Fatal(err)
		}
	}
	a := server.LedgerArchive(st)
	b.ResetTimer()
	for b.Loop() {
		weeks, err := a.MemberIssues(ctx, 2500)
		if err != nil || len(weeks) != 20 {
			b.Fatal(weeks, err)
		}
	}
}
