package mailer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/foliopress/folio/mailer/smtptest"
)

func TestDotStuff(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", ""},
		{"crlf", "a\r\nb\r\n", "a\r\nb\r\n"},
		{"no final break", "a\r\nb", "a\r\nb\r\n"},
		{"bare lf", "a\nb\n", "a\r\nb\r\n"},
		{"leading dot", ".a\r\n..b\r\nc.\r\n", "..a\r\n...b\r\nc.\r\n"},
		{"lone dot line", "a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n"},
		{"dot at end", "a\r\n.", "a\r\n..\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(dotStuff(nil, []byte(tc.in))); got != tc.want {
				t.Errorf("dotStuff(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestGateHoldsBackTheDot: a failing gate leaves the relay without the
// message (no final dot was sent); a passing one delivers it intact,
// leading dots included.
func TestGateHoldsBackTheDot(t *testing.T) {
	srv := smtptest.Start(t)
	tr := NewSMTP(SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: "none", Timeout: 5 * time.Second})
	ctx := context.Background()
	body := "Subject: gate\r\nMessage-ID: <gate@example.org>\r\n\r\n.leading dot\r\nend\r\n"
	out := func(gate func(func() error) error) *Outgoing {
		return &Outgoing{MessageID: "gate@example.org", From: "issues@weekly.example.org",
			To: "ann@example.org", Data: []byte(body), Gate: gate}
	}

	conn, err := tr.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !conn.(*smtpConn).pipelining {
		t.Error("the test server offers PIPELINING; the connection did not use it")
	}
	held := errors.New("previous outcome not durable")
	if _, err := conn.Deliver(ctx, out(func(func() error) error { return held })); !errors.Is(err, held) {
		t.Fatalf("Deliver with a failing gate: %v", err)
	}
	if conn.Usable() {
		t.Error("connection still usable after an abandoned DATA")
	}
	if err := conn.Close(); err != nil {
		t.Error(err)
	}

	conn, err = tr.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	called := 0
	reply, err := conn.Deliver(ctx, out(func(dot func() error) error { called++; return dot() }))
	if err != nil || called != 1 {
		t.Fatalf("Deliver: %q %v (gate called %d times)", reply, err, called)
	}
	srv.Wait(1, time.Second)
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("relay holds %d messages, want 1 (the held-back one must be discarded)", len(msgs))
	}
	if !bytes.Contains(msgs[0].Data, []byte("\r\n.leading dot\r\nend\r\n")) {
		t.Errorf("body arrived altered:\n%q", msgs[0].Data)
	}
}

func TestWireReady(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Subject: x\r\n\r\nbody\r\n", true},
		{".starts with a dot\r\n", false},
		{"a\r\n.b\r\n", false},
		{"no final line end", false},
		{"a\r\nb=2E\r\n", true},
		{"", false},
	}
	for _, tt := range tests {
		if got := wireReady([]byte(tt.in)); got != tt.want {
			t.Errorf("wireReady(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestConnectionLifeIsBounded: a connection takes new messages only
// while a whole Timeout of its MaxConnTime is left, and no read or write
// of it outlives MaxConnTime, however slowly the relay answers.
func TestConnectionLifeIsBounded(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithScript(func(smtptest.Call) smtptest.Action {
		return smtptest.Action{Delay: 30 * time.Millisecond}
	}))
	const timeout, life = 300 * time.Millisecond, 700 * time.Millisecond
	tr := NewSMTP(SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: "none", Timeout: timeout, MaxConnTime: life})
	start := time.Now()
	conn, err := tr.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	n := 0
	for ; conn.Usable(); n++ {
		o := pipelineOut(fmt.Sprintf("r%d@example.org", n), "")
		if _, err := conn.Deliver(context.Background(), o); err != nil {
			t.Fatalf("message %d: %v", n, err)
		}
	}
	if took := time.Since(start); took > life || n < 2 {
		t.Errorf("%d messages in %v on a connection that may live %v", n, took, life)
	}
}
