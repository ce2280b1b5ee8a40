package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/mailer/smtptest"
	"github.com/foliopress/folio/store"
)

// suppressed lists the members of st whose addresses are suppressed.
func suppressed(t *testing.T, st *store.Store, n int) []string {
	t.Helper()
	var out []string
	for i := 1; i <= n; i++ {
		email := fmt.Sprintf("m%d@example.org", i)
		if sup, _, err := st.Suppressed(context.Background(), email); err != nil {
			t.Fatal(err)
		} else if sup {
			out = append(out, email)
		}
	}
	return out
}

// TestRelayRefusalsPauseAndSuppressNobody: a relay that refuses every
// member with the same reply — Exim's bare "550 relay not permitted" to
// RCPT, "552 5.3.4 message too big" at the end of DATA, "5.7.1 relaying
// denied", or a misconfigured Postfix saying "5.1.1 user unknown" to
// everyone — is refusing for itself: the run pauses naming the reply,
// every member stays pending, nobody is suppressed, and once the relay is
// fixed the same issue goes to everyone.
func TestRelayRefusalsPauseAndSuppressNobody(t *testing.T) {
	gmailTooBig := &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 2, 3},
		Message: "Your message exceeded Google's message size limits. https://support.google.com/mail/?p=MaxSizeError"}
	virtualTable := &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message: "Recipient address rejected: User unknown in virtual mailbox table"}
	for _, tc := range []struct {
		name   string
		stage  smtptest.Stage
		reply  *smtp.SMTPError
		opts   []smtptest.Option
		reason string
		// ids: the relay adds a transaction id of its own to each reply,
		// as Gmail and Microsoft do.
		ids bool
	}{
		{"relay not permitted", smtptest.StageRcpt, smtptest.RelayNotPermitted, nil, "550 relay not permitted", false},
		{"relay not permitted, one command at a time", smtptest.StageRcpt, smtptest.RelayNotPermitted,
			[]smtptest.Option{smtptest.WithoutPipelining()}, "550 relay not permitted", false},
		{"552 at the end of DATA", smtptest.StageData, smtptest.TooBig, nil, "552 5.3.4 message size exceeds", false},
		{"5.7.1 relaying denied", smtptest.StageRcpt, smtptest.Policy, nil, "550 5.7.1 relaying denied", false},
		{"user unknown to everyone", smtptest.StageRcpt, virtualTable, nil, "User unknown in virtual mailbox table", false},
		{"552 with a transaction id each", smtptest.StageData, gmailTooBig, nil, "exceeded Google's message size limits", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var broken atomic.Bool
			broken.Store(true)
			var calls atomic.Int32
			srv := smtptest.Start(t, append(tc.opts, smtptest.WithScript(func(c smtptest.Call) smtptest.Action {
				if c.Stage == tc.stage && broken.Load() {
					reply := tc.reply
					if tc.ids {
						n := calls.Add(1)
						reply = &smtp.SMTPError{Code: reply.Code, EnhancedCode: reply.EnhancedCode,
							Message: fmt.Sprintf("%s %08x-%dsi%d.%d - gsmtp", reply.Message, 0x5a47+n*7919, n, 1000000+n*37, n%200)}
					}
					return smtptest.Action{Reply: reply}
				}
				return smtptest.Action{}
			}))...)
			const members = 20
			st := newStore(t, members)
			s := sender(t, st, smtpTo(srv), nil)
			sum, err := s.Send(context.Background(), issueID)
			if !errors.Is(err, delivery.ErrPaused) || !strings.Contains(err.Error(), tc.reason) || !strings.Contains(sum.Reason, tc.reason) {
				t.Fatalf("err %v, reason %q: want a pause naming %q", err, sum.Reason, tc.reason)
			}
			if sum.Counts[delivery.StatePending] != members || sum.Failed != 0 {
				t.Fatalf("counts %v (failed %d): every member must stay pending", sum.Counts, sum.Failed)
			}
			if sup := suppressed(t, st, members); len(sup) != 0 {
				t.Fatalf("suppressed %v for the relay's refusal", sup)
			}
			broken.Store(false)
			sum, err = s.Send(context.Background(), issueID)
			if err != nil || sum.Sent != members || len(srv.Messages()) != members {
				t.Fatalf("after the relay was fixed: %+v %v (relay has %d)", sum, err, len(srv.Messages()))
			}
		})
	}
}

// TestRecipientRefusalsSuppressOnlyThoseMembers: refusals that name the
// recipient — 5.1.1, 5.1.10 (null MX), 5.2.1, or a bare 550 whose words
// say the user is unknown — fail and suppress only their members; a full
// mailbox (5.2.2) and a refusal of one message fail without suppressing;
// everyone else gets the issue and the run does not pause.
func TestRecipientRefusalsSuppressOnlyThoseMembers(t *testing.T) {
	refusals := map[string]*smtp.SMTPError{
		"m3@example.org":  smtptest.Perm,
		"m7@example.org":  {Code: 556, EnhancedCode: smtp.EnhancedCode{5, 1, 10}, Message: "domain does not accept mail (null MX)"},
		"m11@example.org": {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 2, 1}, Message: "mailbox disabled"},
		"m15@example.org": {Code: 550, EnhancedCode: smtp.NoEnhancedCode, Message: "<m15@example.org>: user unknown"},
		"m19@example.org": smtptest.MailboxFull,
		"m23@example.org": {Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "message content rejected"},
	}
	srv := smtptest.Start(t, smtptest.WithScript(func(c smtptest.Call) smtptest.Action {
		if r := refusals[c.Rcpt]; r != nil && c.Stage == smtptest.StageRcpt {
			return smtptest.Action{Reply: r}
		}
		return smtptest.Action{}
	}))
	const members = 30
	st := newStore(t, members)
	sum, err := sender(t, st, smtpTo(srv), nil).Send(context.Background(), issueID)
	if err != nil || sum.Sent != members-len(refusals) || sum.Failed != len(refusals) {
		t.Fatalf("%+v %v", sum, err)
	}
	want := []string{"m3@example.org", "m7@example.org", "m11@example.org", "m15@example.org"}
	got := suppressed(t, st, members)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("suppressed %v, want %v", got, want)
	}
	ds := states(t, st)
	for email := range refusals {
		if ds[email].State != delivery.StateFailedPerm {
			t.Errorf("%s: %s %q", email, ds[email].State, ds[email].Reply)
		}
	}
}

// TestIdenticalRefusalsThresholdIsConfigurable: with PauseAfter 5, four
// members refused alike among many the relay takes are their own
// failures (not suppressed: the reply names no recipient problem); a
// relay refusing everyone pauses the run at the fifth.
func TestIdenticalRefusalsThresholdIsConfigurable(t *testing.T) {
	var all atomic.Bool
	refused := map[string]bool{"m2@example.org": true, "m9@example.org": true, "m16@example.org": true, "m23@example.org": true}
	var mu sync.Mutex
	replies := 0
	srv := smtptest.Start(t, smtptest.WithScript(func(c smtptest.Call) smtptest.Action {
		if c.Stage == smtptest.StageRcpt && (all.Load() || refused[c.Rcpt]) {
			mu.Lock()
			replies++
			mu.Unlock()
			return smtptest.Action{Reply: smtptest.RelayNotPermitted}
		}
		return smtptest.Action{}
	}))
	st := newStore(t, 30)
	s := sender(t, st, smtpTo(srv), func(o *delivery.Options) { o.PauseAfter = 5; o.Workers = 1 })
	sum, err := s.Send(context.Background(), issueID)
	if err != nil || sum.Failed != 4 || sum.Sent != 26 {
		t.Fatalf("four alike among many: %+v %v", sum, err)
	}
	if sup := suppressed(t, st, 30); len(sup) != 0 {
		t.Errorf("suppressed %v", sup)
	}

	st = newStore(t, 30)
	all.Store(true)
	mu.Lock()
	replies = 0
	mu.Unlock()
	sum, err = sender(t, st, smtpTo(srv), func(o *delivery.Options) { o.PauseAfter = 5; o.Workers = 1 }).Send(context.Background(), issueID)
	if !errors.Is(err, delivery.ErrPaused) || sum.Counts[delivery.StatePending] != 30 {
		t.Fatalf("everyone refused: %+v %v", sum, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if replies != 5 {
		t.Errorf("the relay refused %d members before the run paused, want 5", replies)
	}
}

// TestSessionEndingRelayDefersNobody: a relay that ends every session
// after ten messages — 421 at the next MAIL or RCPT, or closing the
// connection without a word — costs a reconnect, not a member: nobody is
// deferred, and after a 421 the run learns to recycle connections before
// the relay closes them.
func TestSessionEndingRelayDefersNobody(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  []smtptest.Option
		stage smtptest.Stage
		// drop: the relay closes the connection without a word.
		drop bool
	}{
		{"pipelining", nil, smtptest.StageMail, false},
		{"one command at a time", []smtptest.Option{smtptest.WithoutPipelining()}, smtptest.StageMail, false},
		{"421 to RCPT", nil, smtptest.StageRcpt, false},
		{"closed without a word", nil, smtptest.StageMail, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var closings atomic.Int32
			srv := smtptest.Start(t, append(tc.opts, smtptest.WithScript(func(c smtptest.Call) smtptest.Action {
				if c.Stage == tc.stage && c.Accepted >= 10 {
					closings.Add(1)
					if tc.drop {
						return smtptest.Action{Drop: true}
					}
					return smtptest.Action{Reply: smtptest.Closing}
				}
				return smtptest.Action{}
			}))...)
			const members = 65
			st := newStore(t, members)
			sum, err := sender(t, st, smtpTo(srv), nil).Send(context.Background(), issueID)
			if err != nil || sum.Sent != members || sum.Retrying != 0 || sum.Failed != 0 {
				t.Fatalf("%+v %v", sum, err)
			}
			// A silent close teaches nothing (it may be a blip), a 421 does.
			if n := closings.Load(); n > 2 && !tc.drop {
				t.Errorf("the relay closed %d sessions with 421; after the first per worker the run should recycle first", n)
			}
			perConn := map[int]int{}
			for _, m := range srv.Messages() {
				perConn[m.ConnID]++
			}
			for id, n := range perConn {
				if n > 10 {
					t.Errorf("connection %d carried %d messages", id, n)
				}
			}
		})
	}
}

// TestHungRelayIsCutOff: a relay that stops answering — before its
// greeting, after RCPT, or after the whole message — is cut off by the
// connection's deadline within a few timeouts, long before the lease of
// the claimed rows could run out; the run stops as the relay's failure
// and every member is left pending for the next run.
func TestHungRelayIsCutOff(t *testing.T) {
	t.Parallel() // waits on clocks and peers more than it computes
	for _, stage := range []smtptest.Stage{smtptest.StageConnect, smtptest.StageRcpt, smtptest.StageData} {
		t.Run(string(stage), func(t *testing.T) {
			srv := smtptest.Start(t, smtptest.WithScript(func(c smtptest.Call) smtptest.Action {
				return smtptest.Action{Hang: c.Stage == stage}
			}))
			const members = 12
			st := newStore(t, members)
			tr := mailer.NewSMTP(mailer.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: "none", Timeout: 200 * time.Millisecond})
			const lease = 30 * time.Second
			s := sender(t, st, tr, func(o *delivery.Options) { o.Lease = lease })
			start := time.Now()
			sum, err := s.Send(context.Background(), issueID)
			took := time.Since(start)
			if !errors.Is(err, delivery.ErrRelayUnavailable) {
				t.Fatalf("err %v, summary %+v", err, sum)
			}
			if took > lease/5 {
				t.Errorf("the run took %v against a hung relay; the lease is %v", took, lease)
			}
			if sum.Counts[delivery.StatePending] != members {
				t.Errorf("counts %v: every member must be left pending", sum.Counts)
			}
			t.Logf("cut off after %v: %v", took.Round(time.Millisecond), err)
		})
	}
}

// TestConnectionLimitedRelay: a relay that takes two connections at a
// time and greets a third with "421 too many connections" costs the run
// its surplus workers, not the send: the two connections it has carry
// every member, nobody is deferred, and the run does not stop as if the
// relay were down.
func TestConnectionLimitedRelay(t *testing.T) {
	t.Parallel() // waits on clocks and peers more than it computes
	var refused atomic.Int32
	srv := smtptest.Start(t, smtptest.WithScript(func(c smtptest.Call) smtptest.Action {
		if c.Stage == smtptest.StageConnect && c.Open > 2 {
			refused.Add(1)
			return smtptest.Action{Reply: &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0},
				Message: "too many concurrent connections from your host"}}
		}
		if c.Stage == smtptest.StageData {
			// Slow enough that the two connections outlast a refused
			// worker's redials.
			return smtptest.Action{Delay: 150 * time.Millisecond}
		}
		return smtptest.Action{}
	}))
	const members = 48
	st := newStore(t, members)
	sum, err := sender(t, st, smtpTo(srv), func(o *delivery.Options) { o.Workers, o.ClaimBatch = 4, 4 }).Send(context.Background(), issueID)
	if err != nil || sum.Sent != members || sum.Retrying != 0 || sum.Failed != 0 {
		t.Fatalf("%+v %v", sum, err)
	}
	if refused.Load() == 0 {
		t.Fatal("the relay never refused a connection: the test tests nothing")
	}
	t.Logf("%d members over %d connections; %d greetings refused", members, srv.Connections(), refused.Load())
}
