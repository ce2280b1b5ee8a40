package delivery_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/mailer/smtptest"
	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

// fill adds n active members to st.
func fill(t *testing.T, st *store.Store, n int) {
	t.Helper()
	ms := make([]member.Member, n)
	for i := range ms {
		ms[i] = member.Member{Email: fmt.Sprintf("m%d@example.org", i+1), Name: fmt.Sprintf("Member %d", i+1), Status: member.StatusActive}
	}
	if _, _, err := st.UpsertMembers(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
}

// TestHourlyCapSharedAcrossRuns: three runs in one hour, each a new
// Sender as a new `folio send` or a wake-up of serve would make, share
// one hourly cap kept in the store: the first sends up to the cap, the
// others send nothing and stop at once with the rest pending, saying
// when the next message may go.
func TestHourlyCapSharedAcrossRuns(t *testing.T) {
	t.Parallel() // waits on clocks and peers more than it computes
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		fill(t, st, 12)
		srv := smtptest.Start(t)
		total := 0
		for run := range 3 {
			s := sender(t, st, smtpTo(srv), func(o *delivery.Options) { o.HourlyCap, o.Budget = 5, st })
			start := time.Now()
			sum, err := s.Send(context.Background(), issueID)
			if err != nil {
				t.Fatalf("run %d: %v", run+1, err)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("run %d waited %v for the cap instead of stopping", run+1, took)
			}
			if !strings.Contains(sum.Reason, "hourly cap of 5 is spent") || sum.Remaining() != 12-total-sum.Sent {
				t.Errorf("run %d: %+v", run+1, sum)
			}
			total += sum.Sent
		}
		if total != 5 || len(srv.Messages()) != 5 {
			t.Errorf("three runs sent %d (relay has %d) under an hourly cap of 5", total, len(srv.Messages()))
		}
	})
}

// TestRateSharedByInstances: three instances on one database send one
// issue side by side, each with a rate of 20 a second; kept in the store,
// the rate holds for all of them together.
func TestRateSharedByInstances(t *testing.T) {
	t.Parallel() // waits on clocks and peers more than it computes
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			target := storetest.Target(t, engine)
			srv := smtptest.Start(t)
			const members, rate = 40, 20.0
			var senders []*delivery.Sender
			for i := range 3 {
				st, err := store.Open(context.Background(), target)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = st.Close() })
				if i == 0 {
					fill(t, st, members)
				}
				senders = append(senders, sender(t, st, smtpTo(srv), func(o *delivery.Options) {
					o.Rate, o.Budget, o.Workers = rate, st, 2
				}))
			}
			start := time.Now()
			var wg sync.WaitGroup
			for _, s := range senders {
				wg.Go(func() {
					if _, err := s.Send(context.Background(), issueID); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			took := time.Since(start)
			if n := len(srv.Messages()); n != members {
				t.Fatalf("relay has %d messages, want %d", n, members)
			}
			// A burst of 2, then 20 a second for all three together.
			if least := time.Duration(float64(members-2) / rate * 0.9 * float64(time.Second)); took < least {
				t.Errorf("%d messages in %v: faster than %g a second shared", members, took, rate)
			}
			t.Logf("%d messages in %v at %g a second shared by 3 instances", members, took.Round(time.Millisecond), rate)
		})
	}
}

// TestDomainRate: [delivery] domain_rates holds per recipient domain,
// over all workers: gmail.com at 10 a second, other domains unlimited.
func TestDomainRate(t *testing.T) {
	t.Parallel() // waits on clocks and peers more than it computes
	var mu sync.Mutex
	var gmail []time.Time
	srv := smtptest.Start(t, smtptest.WithScript(func(c smtptest.Call) smtptest.Action {
		if c.Stage == smtptest.StageRcpt && strings.HasSuffix(c.Rcpt, "@gmail.com") {
			mu.Lock()
			gmail = append(gmail, time.Now())
			mu.Unlock()
		}
		return smtptest.Action{}
	}))
	var extra []member.Member
	for i := range 12 {
		extra = append(extra, member.Member{Email: fmt.Sprintf("g%d@gmail.com", i), Name: "G", Status: member.StatusActive})
	}
	st := newStore(t, 12, extra...)
	s := sender(t, st, smtpTo(srv), func(o *delivery.Options) {
		o.Workers, o.ClaimBatch, o.Budget = 4, 3, st
		o.DomainRates = map[string]float64{"gmail.com": 10}
	})
	sum, err := s.Send(context.Background(), issueID)
	if err != nil || sum.Sent != 24 {
		t.Fatalf("%+v %v", sum, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(gmail) != 12 {
		t.Fatalf("%d gmail.com messages", len(gmail))
	}
	// A burst of one, then 10 a second: eleven more take at least 1.1 s.
	if span := gmail[11].Sub(gmail[0]); span < time.Second {
		t.Errorf("12 gmail.com messages in %v at 10 a second", span)
	}
}

// TestWarmupDailyCap: a new sending domain's warm-up caps the day: 5 on
// its first day, so a send of 12 delivers 5 and stops with the rest
// pending until the next day, and a second run today sends nothing.
func TestWarmupDailyCap(t *testing.T) {
	t.Parallel() // waits on clocks and peers more than it computes
	st := newStore(t, 12)
	srv := smtptest.Start(t)
	warm := delivery.Warmup{Start: time.Now(), First: 5, Last: 1000, Days: 10}
	for run := range 2 {
		s := sender(t, st, smtpTo(srv), func(o *delivery.Options) { o.Warmup, o.Budget = warm, st })
		sum, err := s.Send(context.Background(), issueID)
		if err != nil || !strings.Contains(sum.Reason, "warm-up's daily cap is spent") {
			t.Fatalf("run %d: %+v %v", run+1, sum, err)
		}
	}
	if n := len(srv.Messages()); n != 5 {
		t.Errorf("%d messages on the first warm-up day, want 5", n)
	}
}
