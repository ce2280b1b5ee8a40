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
