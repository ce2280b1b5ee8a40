package delivery_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
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

// TestTimeoutIsRetriedOnAFreshConnection: a member whose RCPT times out
// on a busy connection is tried again on a fresh one (the first timeout
// is the connection's); timing out there too, it is the member's: retried
// later. A timed-out connection is never reused.
func TestTimeoutIsRetriedOnAFreshConnection(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithHook(func(stage smtptest.Stage, _, rcpt string) smtptest.Action {
		if stage == smtptest.StageRcpt && rcpt == "m2@example.org" {
			return smtptest.Action{Delay: time.Second}
		}
		return smtptest.Action{}
	}))
	st := newStore(t, 3)
	tr := mailer.NewSMTP(mailer.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: "none", Timeout: 300 * time.Millisecond})
	sum, err := sender(t, st, tr, func(o *delivery.Options) { o.Workers = 1 }).Send(context.Background(), issueID)
	if err != nil || sum.Sent != 2 || sum.Retrying != 1 {
		t.Fatalf("%+v %v", sum, err)
	}
	d := states(t, st)["m2@example.org"]
	if d.State != delivery.StateFailedTemp || !strings.Contains(d.Reply, "timeout") {
		t.Errorf("m2: %s %q", d.State, d.Reply)
	}
	if c := srv.Connections(); c != 3 {
		t.Errorf("%d connections, want 3 (m1 and m2; m2 again; m3): a timed-out one is not reused", c)
	}
}
