package mailer

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/mailer/smtptest"
)

// pipelineOut is a small message to rcpt whose next envelope, when set,
// rides behind its final dot.
func pipelineOut(rcpt string, next string) *Outgoing {
	id := strings.Split(rcpt, "@")[0] + "@weekly.example.org"
	o := &Outgoing{MessageID: id, From: "issues@weekly.example.org", To: rcpt,
		Data: []byte("Message-ID: <" + id + ">\r\nSubject: pipelining\r\n\r\nfor " + rcpt + "\r\n")}
	if next != "" {
		o.Next = &Envelope{From: o.From, To: next}
	}
	return o
}

func openSMTP(t *testing.T, srv *smtptest.Server) Conn {
	t.Helper()
	tr := NewSMTP(SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: "none", Timeout: 5 * time.Second})
	conn, err := tr.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

// TestPipelinedEnvelopes: each message's final dot carries the next
// member's MAIL, RCPT and DATA; every message arrives whole, to its own
// recipient, on one connection; a rejected pipelined RCPT fails only that
// member, permanently, and the connection carries on.
func TestPipelinedEnvelopes(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithHook(func(st smtptest.Stage, _, rcpt string) smtptest.Action {
		if st == smtptest.StageRcpt && rcpt == "gone@example.org" {
			return smtptest.Action{Reply: smtptest.Perm}
		}
		return smtptest.Action{}
	}))
	conn := openSMTP(t, srv)
	ctx := context.Background()
	rcpts := []string{"a@example.org", "b@example.org", "gone@example.org", "c@example.org", "d@example.org"}
	for i, rcpt := range rcpts {
		next := ""
		if i+1 < len(rcpts) {
			next = rcpts[i+1]
		}
		reply, err := conn.Deliver(ctx, pipelineOut(rcpt, next))
		if rcpt == "gone@example.org" {
			if Classify(err) != Permanent {
				t.Fatalf("%s: %q %v, want a permanent failure", rcpt, reply, err)
			}
			continue
		}
		if err != nil || !strings.HasPrefix(reply, "250") {
			t.Fatalf("%s: %q %v", rcpt, reply, err)
		}
		if !conn.Usable() {
			t.Fatalf("connection unusable after %s", rcpt)
		}
	}
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 4 {
		t.Fatalf("relay holds %d messages, want 4", len(msgs))
	}
	for i, want := range []string{"a@example.org", "b@example.org", "c@example.org", "d@example.org"} {
		m := msgs[i]
		if len(m.To) != 1 || m.To[0] != want || !strings.HasSuffix(string(m.Data), "for "+want+"\r\n") || m.ConnID != msgs[0].ConnID {
			t.Errorf("message %d: to %v on connection %d, body %q", i, m.To, m.ConnID, m.Data)
		}
	}
}

// TestPipelinedEnvelopeNeverBecomesAMessage: an envelope sent ahead for
// a message that does not follow — the worker stopped, or handed the
// connection another member — must not turn into a delivery: the
// connection is dropped with the transaction open, never QUIT (which the
// relay would read as message text) and never ended with a dot.
func TestPipelinedEnvelopeNeverBecomesAMessage(t *testing.T) {
	for _, tc := range []struct {
		name string
		then func(Conn) error
	}{
		{"close", func(c Conn) error { return c.Close() }},
		{"another member", func(c Conn) error {
			if _, err := c.Deliver(context.Background(), pipelineOut("carol@example.org", "")); err == nil {
				return fmt.Errorf("a message for carol was delivered into bob's transaction")
			}
			if c.Usable() {
				return fmt.Errorf("connection still usable")
			}
			return c.Close()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.Start(t)
			conn := openSMTP(t, srv)
			if _, err := conn.Deliver(context.Background(), pipelineOut("ann@example.org", "bob@example.org")); err != nil {
				t.Fatal(err)
			}
			if err := tc.then(conn); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond) // let the server see the drop
			msgs := srv.Messages()
			if len(msgs) != 1 || msgs[0].To[0] != "ann@example.org" {
				t.Fatalf("relay holds %d messages (%+v), want only ann's", len(msgs), msgs)
			}
		})
	}
}
