package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"

	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/mailer/smtptest"
	"github.com/foliopress/folio/store"
)

const issueID = "2026-W10"

func sender(t testing.TB, st *store.Store, tr mailer.Transport, mod func(*delivery.Options)) *delivery.Sender {
	t.Helper()
	o := delivery.Options{
		Ledger:    st,
		Transport: tr,
		Composer:  composer(issueID),
		From:      "Folio Weekly <issues@weekly.example.org>",
		Workers:   2,
	}
	if mod != nil {
		mod(&o)
	}
	s, err := delivery.NewSender(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func smtpTo(srv *smtptest.Server) mailer.Transport {
	return mailer.NewSMTP(mailer.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: "none", Timeout: 5 * time.Second})
}

func states(t testing.TB, st *store.Store) map[string]delivery.Delivery {
	t.Helper()
	ds, err := st.Deliveries(context.Background(), issueID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]delivery.Delivery{}
	for _, d := range ds {
		m, err := st.Member(context.Background(), d.MemberID)
		if err != nil {
			t.Fatal(err)
		}
		out[m.Email] = d
	}
	return out
}

func TestSendOncePerActiveMemberAndSecondSendSendsNothing(t *testing.T) {
	ctx := context.Background()
	srv := smtptest.Start(t)
	st := newStore(t, 5,
		member.Member{Email: "paused@example.org", Name: "P", Status: member.StatusPaused},
		member.Member{Email: "gone@example.org", Name: "G", Status: member.StatusUnsubscribed},
	)
	s := sender(t, st, smtpTo(srv), nil)
	sum, err := s.Send(ctx, issueID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Added != 5 || sum.Sent != 5 || sum.Counts[delivery.StateSent] != 5 || sum.Remaining() != 0 {
		t.Fatalf("summary %+v", sum)
	}
	msgs := srv.Messages()
	if len(msgs) != 5 {
		t.Fatalf("server got %d messages, want 5", len(msgs))
	}
	got := map[string]bool{}
	for _, m := range msgs {
		if len(m.To) != 1 || got[m.To[0]] || m.From != "issues@weekly.example.org" {
			t.Errorf("envelope %v → %v", m.From, m.To)
		}
		got[m.To[0]] = true
		var n int
		if _, err := fmt.Sscanf(m.To[0], "m%d@", &n); err != nil {
			t.Fatalf("recipient %s: %v", m.To[0], err)
		}
		smtptest.CheckTree(t, m.Data, fmt.Sprintf("Member %d", n), fakePDF)
		if !strings.HasPrefix(m.MessageID, "<"+issueID+"."+fmt.Sprint(n)+".") {
			t.Errorf("Message-ID %s for %s", m.MessageID, m.To[0])
		}
	}
	if got["paused@example.org"] || got["gone@example.org"] {
		t.Error("inactive member mailed")
	}
	for email, d := range states(t, st) {
		if d.State != delivery.StateSent || !strings.HasPrefix(d.Reply, "250") {
			t.Errorf("%s: %s %q", email, d.State, d.Reply)
		}
	}
	if c := srv.Connections(); c > 2 {
		t.Errorf("%d connections for 2 workers: connections not reused", c)
	}
	// Four round trips a message: no NOOP before, no RSET after.
	if n, r, m := srv.Commands("NOOP"), srv.Commands("RSET"), srv.Commands("MAIL"); n != 0 || r != 0 || m != 5 {
		t.Errorf("NOOP %d, RSET %d, MAIL %d; want 0, 0, 5", n, r, m)
	}

	sum, err = s.Send(ctx, issueID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Added != 0 || sum.Sent != 0 || len(srv.Messages()) != 5 {
		t.Fatalf("second send: %+v, server has %d", sum, len(srv.Messages()))
	}
}

func TestFailuresAreClassifiedAndNeverMarkedSent(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	faults := map[string]smtptest.Action{
		"m2@example.org": {Reply: smtptest.Temp},
		"m3@example.org": {Reply: smtptest.Perm},
		"m4@example.org": {Drop: true},
		"m5@example.org": {Reply: smtptest.MailboxFull},
	}
	srv := smtptest.Start(t, smtptest.WithHook(func(stage smtptest.Stage, _, rcpt string) smtptest.Action {
		mu.Lock()
		defer mu.Unlock()
		a := faults[rcpt]
		if a.Drop != (stage == smtptest.StageData) || (a.Reply != nil) != (stage == smtptest.StageRcpt) {
			return smtptest.Action{}
		}
		return a
	}))
	st := newStore(t, 6)
	clk := &clock{t: time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC)}
	s := sender(t, st, smtpTo(srv), func(o *delivery.Options) { o.Now = clk.Now })
	sum, err := s.Send(ctx, issueID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != 2 || sum.Retrying != 2 || sum.Failed != 2 {
		t.Fatalf("summary %+v", sum)
	}
	ds := states(t, st)
	want := map[string]delivery.State{
		"m1@example.org": delivery.StateSent, "m2@example.org": delivery.StateFailedTemp, "m3@example.org": delivery.StateFailedPerm,
		"m4@example.org": delivery.StateFailedTemp, "m5@example.org": delivery.StateFailedPerm, "m6@example.org": delivery.StateSent,
	}
	for email, w := range want {
		if ds[email].State != w {
			t.Errorf("%s: %s (%q), want %s", email, ds[email].State, ds[email].Reply, w)
		}
	}
	if d := ds["m2@example.org"]; !d.NextAttempt.Equal(clk.t.Add(5*time.Minute)) || !strings.HasPrefix(d.Reply, "451") {
		t.Errorf("m2 retry: next %v reply %q", d.NextAttempt, d.Reply)
	}
	if r := srv.Commands("RSET"); r != 3 {
		t.Errorf("RSET %d, want 3 (after each rejected RCPT)", r)
	}
	if sup, _, _ := st.Suppressed(ctx, "m3@example.org"); !sup {
		t.Error("550 5.1.1 did not suppress the address")
	}
	if sup, _, _ := st.Suppressed(ctx, "m5@example.org"); sup {
		t.Error("552 5.2.2 (mailbox full) suppressed the address")
	}
	for _, m := range srv.Messages() {
		if m.To[0] != "m1@example.org" && m.To[0] != "m6@example.org" {
			t.Errorf("server accepted a message for %s", m.To[0])
		}
	}

	// Before the retry is due nothing goes out; after it, only the
	// temporary failures do, and the 5xx ones are never retried.
	mu.Lock()
	clear(faults)
	mu.Unlock()
	if sum, _ := s.Send(ctx, issueID); sum.Sent != 0 {
		t.Fatalf("sent before the retry was due: %+v", sum)
	}
	clk.Advance(5 * time.Minute)
	sum, err = s.Send(ctx, issueID)
	if err != nil || sum.Sent != 2 {
		t.Fatalf("retry run: %+v %v", sum, err)
	}
	ds = states(t, st)
	if ds["m3@example.org"].State != delivery.StateFailedPerm || ds["m3@example.org"].Attempts != 1 {
		t.Errorf("5xx retried: %+v", ds["m3@example.org"])
	}
	if ds["m4@example.org"].Attempts != 2 || ds["m4@example.org"].State != delivery.StateSent {
		t.Errorf("m4 after retry: %+v", ds["m4@example.org"])
	}
	rep, err := s.Status(ctx, issueID)
	if err != nil || len(rep.Failures) != 2 || rep.Counts[delivery.StateSent] != 4 || !strings.HasPrefix(rep.Failures[0].Reply, "550 5.1.1") {
		t.Errorf("status %+v %v", rep, err)
	}
}

func TestRetryGivesUpAfterThreeDays(t *testing.T) {
	ctx := context.Background()
	srv := smtptest.Start(t, smtptest.WithHook(func(stage smtptest.Stage, _, _ string) smtptest.Action {
		if stage == smtptest.StageRcpt {
			return smtptest.Action{Reply: smtptest.Temp}
		}
		return smtptest.Action{}
	}))
	st := newStore(t, 1)
	clk := &clock{t: time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC)}
	s := sender(t, st, smtpTo(srv), func(o *delivery.Options) { o.Now = clk.Now })
	var waits []time.Duration
	for range 60 {
		if _, err := s.Send(ctx, issueID); err != nil {
			t.Fatal(err)
		}
		d := states(t, st)["m1@example.org"]
		if d.State == delivery.StateFailedPerm {
			break
		}
		waits = append(waits, d.NextAttempt.Sub(clk.t))
		clk.t = d.NextAttempt
	}
	d := states(t, st)["m1@example.org"]
	if d.State != delivery.StateFailedPerm || !strings.Contains(d.Reply, "gave up") {
		t.Fatalf("final %+v", d)
	}
	want := []time.Duration{5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 2 * time.Hour}
	for i, w := range want {
		if waits[i] != w {
			t.Errorf("wait %d = %v, want %v", i, waits[i], w)
		}
	}
	if total := clk.t.Sub(d.FirstTry); total > 72*time.Hour || total < 70*time.Hour {
		t.Errorf("gave up after %v, want about 3 days", total)
	}
}

func TestAuthFailurePausesAndLeavesAllPending(t *testing.T) {
	ctx := context.Background()
	srv := smtptest.Start(t, smtptest.WithAuth("folio", "right"))
	st := newStore(t, 4)
	tr := mailer.NewSMTP(mailer.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: "none", Username: "folio", Password: "wrong", Timeout: 5 * time.Second})
	s := sender(t, st, tr, nil)
	sum, err := s.Send(ctx, issueID)
	if !errors.Is(err, delivery.ErrPaused) || !sum.Paused || !strings.Contains(err.Error(), "535") {
		t.Fatalf("err %v, summary %+v", err, sum)
	}
	if sum.Counts[delivery.StatePending] != 4 || len(srv.Messages()) != 0 {
		t.Fatalf("counts %v, messages %d", sum.Counts, len(srv.Messages()))
	}
	// With the right password the same issue goes out.
	tr = mailer.NewSMTP(mailer.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: "none", Username: "folio", Password: "right", Timeout: 5 * time.Second})
	sum, err = sender(t, st, tr, nil).Send(ctx, issueID)
	if err != nil || sum.Sent != 4 {
		t.Fatalf("after fixing the password: %+v %v", sum, err)
	}
}

func TestPolicyRejectionPausesRun(t *testing.T) {
	ctx := context.Background()
	srv := smtptest.Start(t, smtptest.WithHook(func(stage smtptest.Stage, _, rcpt string) smtptest.Action {
		if stage == smtptest.StageRcpt && rcpt == "m3@example.org" {
			return smtptest.Action{Reply: smtptest.Policy}
		}
		return smtptest.Action{}
	}))
	st := newStore(t, 40)
	s := sender(t, st, smtpTo(srv), func(o *delivery.Options) { o.Workers = 1 })
	sum, err := s.Send(ctx, issueID)
	if !errors.Is(err, delivery.ErrPaused) || !strings.Contains(sum.Reason, "5.7.1") {
		t.Fatalf("err %v summary %+v", err, sum)
	}
	if sum.Counts[delivery.StatePending] != 38 || sum.Counts[delivery.StateSent] != 2 || sum.Counts[delivery.StateSending] != 0 {
		t.Fatalf("counts %v", sum.Counts)
	}
}

func TestSendTestAndDryRunTouchNoLedger(t *testing.T) {
	ctx := context.Background()
	srv := smtptest.Start(t)
	st := newStore(t, 3, member.Member{Email: "off@example.org", Status: member.StatusPaused})
	s := sender(t, st, smtpTo(srv), nil)
	reply, err := s.SendTest(ctx, issueID, "editor@example.org")
	if err != nil || !strings.HasPrefix(reply, "250") {
		t.Fatalf("test send: %q %v", reply, err)
	}
	if msgs := srv.Messages(); len(msgs) != 1 || msgs[0].To[0] != "editor@example.org" {
		t.Fatalf("messages %+v", msgs)
	}
	smtptest.CheckTree(t, srv.Messages()[0].Data, "reader", fakePDF)
	dir := filepath.Join(t.TempDir(), "dry")
	n, err := s.DryRun(ctx, issueID, dir)
	if err != nil || n != 3 {
		t.Fatalf("dry run: %d %v", n, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 3 {
		t.Fatalf("dry run files %v", files)
	}
	data, _ := os.ReadFile(files[0])
	smtptest.CheckTree(t, data, "Member 1", fakePDF)
	if counts, _ := st.Counts(ctx, issueID); len(counts) != 0 {
		t.Fatalf("ledger touched: %v", counts)
	}
	if _, err := s.SendTest(ctx, issueID, "not an address"); err == nil {
		t.Error("bad test address accepted")
	}
}

func TestOutboxSend(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := newStore(t, 3)
	s := sender(t, st, mailer.NewOutbox(dir), nil)
	sum, err := s.Send(ctx, issueID)
	if err != nil || sum.Sent != 3 {
		t.Fatalf("%+v %v", sum, err)
	}
	for i := 1; i <= 3; i++ {
		data, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%s.%d.eml", issueID, i)))
		if err != nil {
			t.Fatal(err)
		}
		smtptest.CheckTree(t, data, fmt.Sprintf("Member %d", i), fakePDF)
	}
	if sum, _ := s.Send(ctx, issueID); sum.Sent != 0 {
		t.Errorf("second outbox send wrote %d", sum.Sent)
	}
}

func TestConnectionsRecycledAfterMaxPerConn(t *testing.T) {
	srv := smtptest.Start(t)
	st := newStore(t, 7)
	s := sender(t, st, smtpTo(srv), func(o *delivery.Options) { o.Workers = 1; o.MaxPerConn = 3 })
	if sum, err := s.Send(context.Background(), issueID); err != nil || sum.Sent != 7 {
		t.Fatalf("%+v %v", sum, err)
	}
	if c := srv.Connections(); c != 3 {
		t.Errorf("%d connections, want 3 (3+3+1)", c)
	}
	perConn := map[int]int{}
	for _, m := range srv.Messages() {
		perConn[m.ConnID]++
	}
	for id, n := range perConn {
		if n > 3 {
			t.Errorf("connection %d carried %d messages", id, n)
		}
	}
}

func TestRateLimit(t *testing.T) {
	srv := smtptest.Start(t)
	st := newStore(t, 12)
	s := sender(t, st, smtpTo(srv), func(o *delivery.Options) { o.Workers = 3; o.Rate = 20 })
	start := time.Now()
	if sum, err := s.Send(context.Background(), issueID); err != nil || sum.Sent != 12 {
		t.Fatalf("%+v %v", sum, err)
	}
	// burst of 3, then 9 more at 20/s: at least 0.45 s, and not much more.
	if el := time.Since(start); el < 400*time.Millisecond || el > 3*time.Second {
		t.Errorf("12 messages at 20/s took %v", el)
	}
}

func TestCancelFinishesInFlightAndLeavesRestPending(t *testing.T) {
	srv := smtptest.Start(t)
	st := newStore(t, 50)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	n := 0
	s := sender(t, st, smtpTo(srv), func(o *delivery.Options) {
		o.Workers = 3
		o.OnResult = func(r delivery.Result) {
			mu.Lock()
			defer mu.Unlock()
			if n++; n == 10 {
				cancel()
			}
		}
	})
	sum, err := s.Send(ctx, issueID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Counts[delivery.StateSending] != 0 || sum.Sent < 10 || sum.Sent > 13 || sum.Counts[delivery.StatePending] != 50-sum.Sent {
		t.Fatalf("after cancel: %+v", sum)
	}
	if len(srv.Messages()) != sum.Sent {
		t.Errorf("server has %d, ledger says %d sent", len(srv.Messages()), sum.Sent)
	}
	if !strings.Contains(sum.Reason, "stopped") {
		t.Errorf("reason %q", sum.Reason)
	}
	sum, err = s.Send(context.Background(), issueID)
	if err != nil || sum.Counts[delivery.StateSent] != 50 || len(srv.Messages()) != 50 {
		t.Fatalf("resume: %+v %v (server %d)", sum, err, len(srv.Messages()))
	}
}

func TestUnsubscribeBeforeClaimIsHonoured(t *testing.T) {
	ctx := context.Background()
	srv := smtptest.Start(t)
	st := newStore(t, 3)
	s := sender(t, st, smtpTo(srv), nil)
	if _, err := st.EnsureDeliveries(ctx, issueID, delivery.Audience{}, time.Now()); err != nil {
		t.Fatal(err)
	}
	m, _ := st.MemberByEmail(ctx, "m2@example.org")
	if err := st.SetStatus(ctx, m.ID, member.StatusUnsubscribed); err != nil {
		t.Fatal(err)
	}
	sum, err := s.Send(ctx, issueID)
	if err != nil || sum.Sent != 2 || sum.Skipped() != 1 {
		t.Fatalf("%+v %v", sum, err)
	}
	for _, msg := range srv.Messages() {
		if msg.To[0] == "m2@example.org" {
			t.Error("unsubscribed member mailed")
		}
	}
}

// TestLeaseRunningOutWhileQueuedKeepsEnvelopesStraight: rows whose lease
// runs out while they wait in a worker's queue are dropped unsent and
// claimed again later. The worker has already sent such a row's envelope
// behind the previous message's dot (pipelining), so it must drop that
// transaction rather than fill it with another member's message: in the
// end every member has exactly one message, addressed to them.
func TestLeaseRunningOutWhileQueuedKeepsEnvelopesStraight(t *testing.T) {
	srv := smtptest.Start(t)
	st := newStore(t, 12)
	var mu sync.Mutex
	clock := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
	s := sender(t, st, smtpTo(srv), func(o *delivery.Options) {
		o.Workers, o.ClaimBatch, o.Lease = 1, 6, 10*time.Second
		o.Now = func() time.Time { // each look at the clock costs a second
			mu.Lock()
			defer mu.Unlock()
			clock = clock.Add(time.Second)
			return clock
		}
	})
	for range 20 {
		if sum, err := s.Send(context.Background(), issueID); err != nil {
			t.Fatal(err)
		} else if sum.Remaining() == 0 {
			break
		}
	}
	msgs := srv.Messages()
	if len(msgs) != 12 {
		t.Fatalf("relay holds %d messages, want 12", len(msgs))
	}
	seen := map[string]bool{}
	for _, m := range msgs {
		var n int
		if _, err := fmt.Sscanf(m.To[0], "m%d@", &n); err != nil {
			t.Fatalf("recipient %s: %v", m.To[0], err)
		}
		if seen[m.To[0]] || !strings.HasPrefix(m.MessageID, fmt.Sprintf("<%s.%d.", issueID, n)) {
			t.Errorf("message %s to %v (again: %v)", m.MessageID, m.To, seen[m.To[0]])
		}
		seen[m.To[0]] = true
	}
	if c := srv.Connections(); c < 2 {
		t.Errorf("%d connection(s): no lease ran out while queued, the test proves nothing", c)
	}
}

// claimCounter counts the claims a delivery.Sender makes in transactions of
// their own.
type claimCounter struct {
	*store.Store
	n atomic.Int32
}

func (c *claimCounter) Claim(ctx context.Context, issueID, owner string, n int, now, leaseUntil time.Time, id func(member.Member) string) ([]delivery.Claim, error) {
	c.n.Add(1)
	return c.Store.Claim(ctx, issueID, owner, n, now, leaseUntil, id)
}

// TestClaimsRideOnOutcomeCommits: after a worker's first claim, its next
// rows are claimed inside the commit of one of its outcomes, so a send
// costs no commit per claim and a worker's queue never runs dry (the
// next envelope always rides behind the dot). Every member still gets
// exactly one message.
func TestClaimsRideOnOutcomeCommits(t *testing.T) {
	srv := smtptest.Start(t)
	led := &claimCounter{Store: newStore(t, 60)}
	s := sender(t, led.Store, smtpTo(srv), func(o *delivery.Options) {
		o.Ledger, o.Workers, o.ClaimBatch = led, 2, 5
	})
	sum, err := s.Send(context.Background(), issueID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != 60 || sum.Remaining() != 0 {
		t.Fatalf("summary %+v", sum)
	}
	seen := map[string]bool{}
	for _, m := range srv.Messages() {
		if seen[m.To[0]] {
			t.Errorf("%s got two messages", m.To[0])
		}
		seen[m.To[0]] = true
	}
	if len(seen) != 60 {
		t.Fatalf("%d members reached, want 60", len(seen))
	}
	// One claim to start each worker and one to find nothing left; the
	// other ten claims of five rode on commits.
	if n := led.n.Load(); n > 4 {
		t.Errorf("%d claims in transactions of their own, want at most 4 (2 workers)", n)
	}
	if c := srv.Connections(); c > 2 {
		t.Errorf("%d connections for 2 workers", c)
	}
}
