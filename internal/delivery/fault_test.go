package delivery_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"

	"github.com/foliopress/folio/mailer/smtptest"
)

// TestFaultInjection runs a send against a relay that answers 4xx to 10%
// of RCPTs, 5xx to 2%, drops 1% of connections in the middle of DATA and
// 0.5% right after accepting (the ambiguous case), retrying until the
// ledger settles.
func TestFaultInjection(t *testing.T) {
	const members = 400
	ctx := context.Background()
	var (
		mu        sync.Mutex
		rng       = rand.New(rand.NewPCG(41, 2019))
		perm      = map[string]int{} // 5xx replies given per address
		ambiguous = map[string]bool{}
	)
	srv := smtptest.Start(t, smtptest.WithHook(func(stage smtptest.Stage, _, rcpt string) smtptest.Action {
		mu.Lock()
		defer mu.Unlock()
		x := rng.Float64()
		switch stage {
		case smtptest.StageRcpt:
			switch {
			case x < 0.10:
				return smtptest.Action{Reply: smtptest.Temp}
			case x < 0.12:
				perm[rcpt]++
				return smtptest.Action{Reply: smtptest.Perm}
			}
		case smtptest.StageData:
			switch {
			case x < 0.01:
				return smtptest.Action{Drop: true}
			case x < 0.015:
				ambiguous[rcpt] = true
				return smtptest.Action{DropAfterAccept: true}
			}
		}
		return smtptest.Action{}
	}))
	st := newStore(t, members)
	clk := &clock{t: time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC)}
	var cmu sync.Mutex
	s := sender(t, st, smtpTo(srv), func(o *delivery.Options) {
		o.Workers = 4
		o.Now = func() time.Time { cmu.Lock(); defer cmu.Unlock(); return clk.t }
	})
	rounds := 0
	for ; rounds < 40; rounds++ {
		sum, err := s.Send(ctx, issueID)
		if err != nil {
			t.Fatalf("round %d: %v", rounds, err)
		}
		if sum.Remaining() == 0 {
			break
		}
		cmu.Lock()
		clk.t = clk.t.Add(2 * time.Hour) // every retry is due
		cmu.Unlock()
	}
	ds := states(t, st)
	received := map[string][]smtptest.Message{}
	for _, m := range srv.Messages() {
		received[m.To[0]] = append(received[m.To[0]], m)
	}
	var sent, failed, dups int
	for email, d := range ds {
		switch d.State {
		case delivery.StateSent:
			sent++
			if len(received[email]) == 0 {
				t.Errorf("%s marked sent, never received", email)
			}
		case delivery.StateFailedPerm:
			failed++
			if perm[email] != 1 {
				t.Errorf("%s: %d 5xx replies (a 5xx was retried)", email, perm[email])
			}
		default:
			t.Errorf("%s ended %s", email, d.State)
		}
		if n := len(received[email]); n > 1 {
			dups++
			if !ambiguous[email] {
				t.Errorf("%s received %d copies without an ambiguous drop", email, n)
			}
			for _, m := range received[email] {
				if m.MessageID != received[email][0].MessageID {
					t.Errorf("%s: copies with different Message-IDs", email)
				}
			}
		}
	}
	if len(ds) != members {
		t.Errorf("ledger has %d rows", len(ds))
	}
	t.Logf("%d rounds, %d sent, %d failed_perm, %d duplicates after ambiguous drops, %d connections",
		rounds+1, sent, failed, dups, srv.Connections())
	if failed == 0 || sent < members*9/10 {
		t.Errorf("implausible outcome: %d sent, %d failed", sent, failed)
	}
}
