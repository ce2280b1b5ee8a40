package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"folio.example/folio/mailer"
)

// BenchmarkClaimAndMark measures the ledger's cost per message for one
// worker: a claim of 8 rows (sending) per commit and one commit per
// outcome (sent), as the Sender does with a single worker.
func BenchmarkClaimAndMark(b *testing.B) {
	ctx := context.Background()
	s := open(b)
	const n = 2000
	ms := make([]mailer.Member, n)
	for i := range ms {
		ms[i] = member(fmt.Sprintf("m%d@example.org", i), "", mailer.StatusActive)
	}
	if _, _, err := s.UpsertMembers(ctx, ms); err != nil {
		b.Fatal(err)
	}
	id := func(m mailer.Member) string { return "x" }
	b.ResetTimer()
	msgs := 0
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		issue := fmt.Sprintf("b-%d", i)
		if _, err := s.EnsureDeliveries(ctx, issue, mailer.Audience{}, time.Now()); err != nil {
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
				out := []mailer.Outcome{{MemberID: c.MemberID, State: mailer.StateSent, Reply: "250 ok"}}
				if err := s.Record(ctx, issue, "bench", out, now); err != nil {
					b.Fatal(err)
				}
				msgs++
			}
		}
	}
	b.ReportMetric(float64(msgs)/time.Since(start).Seconds(), "msgs/s")
}
