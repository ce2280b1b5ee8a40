package mailer_test

import (
	"errors"
	"net/textproto"
	"strings"
	"testing"

	"github.com/foliopress/folio/mailer"
)

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
		{"null MX", reply(mailer.PhaseRcpt, 556, "5.1.10 domain accepts no mail"), mailer.Permanent, true},
		{"mailbox disabled", reply(mailer.PhaseRcpt, 550, "5.2.1 mailbox disabled"), mailer.Permanent, true},
		{"user unknown, Postfix without codes", reply(mailer.PhaseRcpt, 550, "<ann@example.org>: Recipient address rejected: User unknown in local recipient table"), mailer.Permanent, true},
		{"Exim relay not permitted", reply(mailer.PhaseRcpt, 550, "relay not permitted"), mailer.Permanent, false},
		{"relay access denied worded as a recipient", reply(mailer.PhaseRcpt, 554, "<ann@example.org>: Recipient address rejected: Relay access denied"), mailer.Permanent, false},
		{"too big at the end of DATA", reply(mailer.PhaseBody, 552, "5.3.4 message size exceeds fixed limit"), mailer.Permanent, false},
		{"bare 552 at the end of DATA", reply(mailer.PhaseBody, 552, "message size exceeds fixed limit"), mailer.Permanent, false},
		{"generic 5.0.0 code, relay words", reply(mailer.PhaseRcpt, 550, "5.0.0 relaying not permitted"), mailer.Permanent, false},
		{"generic 5.0.0 code, unknown user", reply(mailer.PhaseRcpt, 550, "5.0.0 no such user here"), mailer.Permanent, true},
		{"sender's fault", reply(mailer.PhaseRcpt, 550, "5.1.7 bad sender mailbox syntax"), mailer.Permanent, false},
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

func TestWhoseFailure(t *testing.T) {
	reply := func(phase string, code int, enh, msg string) error {
		return &mailer.SMTPError{Phase: phase, Code: code, Enhanced: enh, Message: strings.TrimSpace(enh + " " + msg)}
	}
	tests := []struct {
		name                  string
		err                   error
		connection, throttled bool
	}{
		{"421 closing after a few messages", reply(mailer.PhaseMail, 421, "4.7.0", "too many messages in this session, closing connection"), true, false},
		{"421 rate", reply(mailer.PhaseMail, 421, "4.7.0", "Error: too many messages from 192.0.2.1, slow down"), true, true},
		{"Gmail 4.7.28", reply(mailer.PhaseRcpt, 421, "4.7.28", "unusual rate of unsolicited mail"), true, true},
		{"451 rate limit", reply(mailer.PhaseRcpt, 451, "4.7.1", "rate limit exceeded"), false, true},
		{"452 volume", reply(mailer.PhaseRcpt, 452, "4.2.2", "daily volume exceeded"), false, true},
		{"451 greylisted", reply(mailer.PhaseRcpt, 451, "4.7.1", "greylisted, try again later"), false, false},
		{"450 not a throttle code", reply(mailer.PhaseRcpt, 450, "4.2.1", "receiving mail at a rate that prevents delivery"), false, false},
		{"timeout at RCPT", &mailer.SMTPError{Phase: mailer.PhaseRcpt, Err: errors.New("i/o timeout")}, true, false},
		{"no reply to the dot", &mailer.SMTPError{Phase: mailer.PhaseBody, Err: errors.New("EOF"), Ambiguous: true}, false, false},
		{"dial", &mailer.SMTPError{Phase: mailer.PhaseDial, Err: errors.New("refused")}, false, false},
		{"local refusal", &mailer.SMTPError{Phase: mailer.PhaseRcpt, Code: 553, Local: true}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mailer.ConnectionFailure(tt.err); got != tt.connection {
				t.Errorf("ConnectionFailure = %v, want %v", got, tt.connection)
			}
			if got := mailer.Throttled(tt.err); got != tt.throttled {
				t.Errorf("Throttled = %v, want %v", got, tt.throttled)
			}
		})
	}
}

// TestReplyKey: replies a relay gives every recipient alike, naming each
// recipient's address, share a key; different replies do not.
func TestReplyKey(t *testing.T) {
	r := func(rcpt string) error {
		return &mailer.SMTPError{Phase: mailer.PhaseRcpt, Code: 550, Enhanced: "5.1.1",
			Message: "5.1.1 <" + rcpt + ">: Recipient address rejected: User unknown"}
	}
	if a, b := mailer.ReplyKey(r("ann@example.org")), mailer.ReplyKey(r("bob@example.net")); a != b {
		t.Errorf("keys differ by address: %q, %q", a, b)
	}
	other := &mailer.SMTPError{Phase: mailer.PhaseRcpt, Code: 550, Message: "relay not permitted"}
	if mailer.ReplyKey(other) == mailer.ReplyKey(r("ann@example.org")) {
		t.Error("different replies share a key")
	}
	// Replies that differ only in the transaction id the relay adds.
	for _, pair := range [][2]string{
		{"5.2.3 Your message exceeded Google's message size limits. d75a77b69052e-4f4c2d1f0a5si1234567.15 - gsmtp",
			"5.2.3 Your message exceeded Google's message size limits. a640c23a62f3a-b7a1b2c3d4esi7654321.201 - gsmtp"},
		{"5.7.1 Service unavailable, Client host [192.0.2.1] blocked (S3140) [BN8NAM12FT041.eop-nam12.prod.protection.outlook.com 2026-03-06T12:00:00.123Z 08DE1A2B3C4D5E6F]",
			"5.7.1 Service unavailable, Client host [192.0.2.1] blocked (S3140) [CO1PEPF000044F2.namprd03.prod.outlook.com 2026-03-06T12:00:01.987Z 08DE9F8E7D6C5B4A]"},
	} {
		a := &mailer.SMTPError{Phase: mailer.PhaseBody, Code: 552, Message: pair[0]}
		b := &mailer.SMTPError{Phase: mailer.PhaseBody, Code: 552, Message: pair[1]}
		if ka, kb := mailer.ReplyKey(a), mailer.ReplyKey(b); ka != kb {
			t.Errorf("keys differ by transaction id:\n%q\n%q", ka, kb)
		}
	}
	short := func(enh string) error {
		return &mailer.SMTPError{Phase: mailer.PhaseRcpt, Code: 550, Message: enh + " mailbox unavailable"}
	}
	if mailer.ReplyKey(short("5.1.1")) == mailer.ReplyKey(short("5.1.10")) {
		t.Error("replies with different enhanced codes share a key")
	}
}

// FuzzReply feeds relay replies of any shape through the classification:
// nothing panics, a reply that suppresses is a permanent refusal of the
// recipient, and replies differing only in the address they name share a
// key.
func FuzzReply(f *testing.F) {
	for _, s := range []string{"550 5.1.1 <a@b.example>: user unknown", "550 relay not permitted", "421 4.7.0 too many messages",
		"451 4.7.1 rate limit exceeded", "552 5.3.4 too big", "535 5.7.8 bad auth", "250 ok", "5.1.1", ""} {
		f.Add(s, uint8(1))
	}
	phases := []string{mailer.PhaseDial, mailer.PhaseMail, mailer.PhaseRcpt, mailer.PhaseData, mailer.PhaseBody}
	f.Fuzz(func(t *testing.T, line string, phase uint8) {
		code, msg, _ := strings.Cut(line, " ")
		n := 0
		for _, r := range code {
			if r < '0' || r > '9' || n > 999 {
				return
			}
			n = n*10 + int(r-'0')
		}
		p := phases[int(phase)%len(phases)]
		enh := strings.Fields(msg + " x")[0]
		if strings.Count(enh, ".") != 2 {
			enh = ""
		}
		err := &mailer.SMTPError{Phase: p, Code: n, Enhanced: enh, Message: msg, Err: &textproto.Error{Code: n, Msg: msg}}
		if mailer.Suppressible(err) && (mailer.Classify(err) != mailer.Permanent || n < 500) {
			t.Errorf("%q at %s suppresses but is %v", line, p, mailer.Classify(err))
		}
		_ = mailer.Throttled(err)
		_ = mailer.ConnectionFailure(err)
		a := &mailer.SMTPError{Phase: p, Code: n, Enhanced: enh, Message: msg + " <ann@example.org>"}
		b := &mailer.SMTPError{Phase: p, Code: n, Enhanced: enh, Message: msg + " <bob@example.net>"}
		if n != 0 && mailer.ReplyKey(a) != mailer.ReplyKey(b) {
			t.Errorf("%q: keys differ by the address named", line)
		}
	})
}
