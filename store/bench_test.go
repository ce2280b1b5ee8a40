package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

// BenchmarkClaimAndMark measures the ledger's cost per message for one
// worker: a claim of 8 rows (sending) per commit and one commit per
// outcome (sent), as the Sender does with a single worker.
func BenchmarkClaimAndMark(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) { benchClaimAndMark(b, storetest.Open(b, engine)) })
	}
}

func benchClaimAndMark(b *testing.B, s *store.Store) {
	ctx := context.Background()
	addMembers(b, s, 2000, "")
	id := func(m member.Member) string { return "x" }
	b.ResetTimer()
	msgs := 0
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		issue := fmt.Sprintf("b-%d", i)
		if _, err := s.EnsureDeliveries(ctx, issue, delivery.Audience{}, time.Now()); err != nil {
			b.Fatal(err)
		}
		for {
			now := time.Now()
			cs, err := s.Claim(ctx, issue, "bench", 8, now, now.Add(time.Minute), id)
			if err != nil {
				b.Fatal(err)
			}
			if len(cs) == 0 {
				break
			}
			for _, c := range cs {
				out := []delivery.Outcome{{MemberID: c.MemberID, State: delivery.StateSent, Reply: "250 ok"}}
				if err := s.Record(ctx, issue, "bench", out, now); err != nil {
					b.Fatal(err)
				}
				msgs++
			}
		}
	}
	b.ReportMetric(float64(msgs)/time.Since(start).Seconds(), "msgs/s")
}

// BenchmarkClaimInBatch measures claiming 32 rows inside a group commit,
// as a worker's claim rides on one (rolled back, so every round finds
// the same rows due).
func BenchmarkClaimInBatch(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) { benchClaimInBatch(b, storetest.Open(b, engine)) })
	}
}

func benchClaimInBatch(b *testing.B, s *store.Store) {
	ctx := context.Background()
	addMembers(b, s, 20000, "print")
	if _, err := s.EnsureDeliveries(ctx, "w", delivery.Audience{}, time.Now()); err != nil {
		b.Fatal(err)
	}
	id := func(m member.Member) string { return mailer.MessageID("w", m.ID, "example.org") }
	for b.Loop() {
		now := time.Now()
		tx, err := s.BeginOutcomes(ctx, "w", "bench", now)
		if err != nil {
			b.Fatal(err)
		}
		cs, err := tx.Claim(32, now.Add(time.Minute), id)
		if err != nil || len(cs) != 32 {
			b.Fatalf("claimed %d: %v", len(cs), err)
		}
		tx.Rollback()
	}
}
