package mailer_test

import (
	"context"
	"errors"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/mailer/smtptest"
)

func TestTLSModes(t *testing.T) {
	for _, mode := range []struct {
		name string
		opt  smtptest.Option
	}{{"starttls", smtptest.WithSTARTTLS()}, {"tls", smtptest.WithImplicitTLS()}} {
		t.Run(mode.name, func(t *testing.T) {
			srv := smtptest.Start(t, mode.opt, smtptest.WithAuth("folio", "s3cret"))
			st := newStore(t, 3)
			tr := mailer.NewSMTP(mailer.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: mode.name,
				Username: "folio", Password: "s3cret", TLSConfig: srv.ClientTLS(), Timeout: 5 * time.Second})
			sum, err := sender(t, st, tr, nil).Send(context.Background(), issueID)
			if err != nil || sum.Sent != 3 {
				t.Fatalf("%+v %v", sum, err)
			}
			if n := srv.TLSMessages(); n != 3 {
				t.Errorf("%d of 3 messages over TLS", n)
			}
		})
	}
}

func TestTimeoutIsRetriedOnAFreshConnection(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithHook(func(stage smtptest.Stage, _, rcpt string) smtptest.Action {
		if stage == smtptest.StageRcpt && rcpt == "m2@example.org" {
			return smtptest.Action{Delay: time.Second}
		}
		return smtptest.Action{}
	}))
	st := newStore(t, 3)
	tr := mailer.NewSMTP(mailer.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: "none", Timeout: 300 * time.Millisecond})
	sum, err := sender(t, st, tr, func(o *mailer.Options) { o.Workers = 1 }).Send(context.Background(), issueID)
	if err != nil || sum.Sent != 2 || sum.Retrying != 1 {
		t.Fatalf("%+v %v", sum, err)
	}
	d := states(t, st)["m2@example.org"]
	if d.State != mailer.StateFailedTemp || !strings.Contains(d.Reply, "timeout") {
		t.Errorf("m2: %s %q", d.State, d.Reply)
	}
	if c := srv.Connections(); c != 2 {
		t.Errorf("%d connections, want 2 (the timed-out one is not reused)", c)
	}
}

func TestClassify(t *testing.T) {
	reply := func(phase string, code int, msg string) error {
		enh := strings.Fields(msg)[0]
		if strings.Count(enh, ".") != 2 {
			enh = ""
		}
		return &mailer.SMTPError{Phase: phase, Code: code, Message: msg, Enhanced: enh, Err: &textproto.Error{Code: code, Msg: msg}}
	}
	tests := []struct {
		name     string
		err      error
		class    mailer.Class
		suppress bool
	}{
		{"user unknown", reply(mailer.PhaseRcpt, 550, "5.1.1 no such user"), mailer.Permanent, true},
		{"bad domain", reply(mailer.PhaseRcpt, 553, "5.1.2 bad destination"), mailer.Permanent, true},
		{"mailbox full", reply(mailer.PhaseRcpt, 552, "5.2.2 mailbox full"), mailer.Permanent, false},
		{"message refused", reply(mailer.PhaseBody, 554, "5.6.0 content rejected"), mailer.Permanent, false},
		{"policy", reply(mailer.PhaseRcpt, 550, "5.7.1 relaying denied"), mailer.Pause, false},
		{"auth failed", reply(mailer.PhaseDial, 535, "5.7.8 authentication failed"), mailer.Pause, false},
		{"sender rejected", reply(mailer.PhaseMail, 553, "5.1.8 bad sender domain"), mailer.Pause, false},
		{"user unknown after DATA", reply(mailer.PhaseBody, 550, "5.1.1 no such user"), mailer.Permanent, true},
		{"bare 550 to RCPT", reply(mailer.PhaseRcpt, 550, "mailbox unavailable"), mailer.Permanent, true},
		{"greylisted", reply(mailer.PhaseRcpt, 451, "4.7.1 greylisted"), mailer.Retry, false},
		{"busy", reply(mailer.PhaseMail, 421, "4.3.2 closing"), mailer.Retry, false},
		{"EOF", &mailer.SMTPError{Phase: mailer.PhaseBody, Err: errors.New("EOF"), Ambiguous: true}, mailer.Retry, false},
		{"not an SMTP error", errors.New("connection refused"), mailer.Retry, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c := mailer.Classify(tt.err); c != tt.class {
				t.Errorf("Classify = %v, want %v", c, tt.class)
			}
			if s := mailer.Suppressible(tt.err); s != tt.suppress {
				t.Errorf("Suppressible = %v, want %v", s, tt.suppress)
			}
		})
	}
}
