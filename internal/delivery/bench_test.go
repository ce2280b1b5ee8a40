package delivery_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"

	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/mailer/smtptest"
)

// BenchmarkSend measures the whole path — ledger claim and commit
// (SQLite, synchronous FULL), personal rendering, SMTP over loopback to
// the in-process server — for 1,000 members with ~20 KB messages (the
// PDF as a link), at 1, 4 and 16 workers.
func BenchmarkSend(b *testing.B) {
	const members = 1000
	body := strings.Repeat("A paragraph of this week's review, long enough to matter. ", 300) // ~18 KB
	comp := delivery.ComposerFunc(func(_ context.Context, m member.Member) (*mailer.Content, error) {
		return &mailer.Content{
			Subject:        "Folio Weekly",
			Text:           "Dear " + m.Name + ",\n" + body,
			HTML:           "<p>Dear " + m.Name + ",</p><p>" + body[:1500] + "</p>",
			UnsubscribeURL: fmt.Sprintf("https://weekly.example.org/u/%d", m.ID),
		}, nil
	})
	for _, workers := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			srv := smtptest.Start(b)
			st := newStore(b, members)
			s, err := delivery.NewSender(delivery.Options{
				Ledger: st, Transport: smtpTo(srv), Composer: comp,
				From: "Folio Weekly <issues@weekly.example.org>", Workers: workers,
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			start := time.Now()
			sent := 0
			for i := 0; b.Loop(); i++ {
				sum, err := s.Send(context.Background(), fmt.Sprintf("bench-%d", i))
				if err != nil || sum.Sent != members {
					b.Fatalf("%+v %v", sum, err)
				}
				sent += sum.Sent
			}
			b.ReportMetric(float64(sent)/time.Since(start).Seconds(), "msgs/s")
		})
	}
}
