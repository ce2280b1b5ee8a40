package publish

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/links"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/mailer/smtptest"
	"github.com/foliopress/folio/store"
)

// TestPausedSendStops: an editor pauses a send under way (a hold in the
// store); it stops within the poll, messages in flight finish and the rest
// stays pending; while held nothing is sent; after the resume the rest is
// delivered, each member once.
func TestPausedSendStops(t *testing.T) {
	ctx := context.Background()
	b := newBuilder(t, sampleReviews)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	var ms []member.Member
	for i := range 60 {
		ms = append(ms, member.Member{Email: fmt.Sprintf("r%02d@example.org", i), Name: "R", Status: member.StatusActive})
	}
	if _, _, err := st.UpsertMembers(ctx, ms); err != nil {
		t.Fatal(err)
	}
	relay := smtptest.Start(t, smtptest.WithHook(func(stage smtptest.Stage, _, _ string) smtptest.Action {
		if stage == smtptest.StageRcpt {
			return smtptest.Action{Delay: 20 * time.Millisecond}
		}
		return smtptest.Action{}
	}))
	lk := &links.Links{BaseURL: "https://weekly.example.org", Secret: []byte("hold-test-secret-0123456789"), TTL: time.Hour, List: "l.example.org"}
	job := &Job{Builder: b, Store: st, Links: lk, Holds: st, HoldPoll: 20 * time.Millisecond, AttachMaxBytes: 1,
		NewSender: func(c delivery.Composer) (*delivery.Sender, error) {
			return delivery.NewSender(delivery.Options{Ledger: st, Composer: c, From: "Folio <issues@weekly.example.org>", Workers: 2,
				Transport: mailer.NewSMTP(mailer.SMTPConfig{Host: relay.Host, Port: relay.Port, TLS: "none", Timeout: 10 * time.Second})})
		}}
	p, err := job.Prepare(ctx, week10, false, false)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := job.Send(ctx, p, week10)
		done <- err
	}()
	for len(relay.Messages()) < 5 {
		time.Sleep(5 * time.Millisecond)
	}
	if err := st.Hold(ctx, week10.String(), "ann@example.org", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, ErrHeld) {
		t.Fatalf("paused send: %v", err)
	}
	counts, _ := st.Counts(ctx, week10.String())
	sent := counts[delivery.StateSent]
	if sent == 0 || sent >= 60 || counts[delivery.StatePending] != 60-sent {
		t.Fatalf("after the pause: %v", counts)
	}
	if _, err := job.Send(ctx, p, week10); !errors.Is(err, ErrHeld) {
		t.Fatalf("send while held: %v", err)
	}
	if n := len(relay.Messages()); n != sent {
		t.Errorf("relay got %d messages, ledger says %d sent", n, sent)
	}
	if err := st.Unhold(ctx, week10.String()); err != nil {
		t.Fatal(err)
	}
	sum, err := job.Send(ctx, p, week10)
	if err != nil || sum.Counts[delivery.StateSent] != 60 {
		t.Fatalf("resumed: %+v %v", sum, err)
	}
	seen := map[string]int{}
	for _, m := range relay.Messages() {
		seen[m.To[0]]++
	}
	for addr, n := range seen {
		if n != 1 {
			t.Errorf("%s got %d copies", addr, n)
		}
	}
	if len(seen) != 60 {
		t.Errorf("%d members got the issue, want 60", len(seen))
	}
}
