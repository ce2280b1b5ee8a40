package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/foliopress/folio/mailer/smtptest"
)

// TestRelayRefusalPausesTheSend: `folio send` through a relay that
// answers every RCPT with Exim's "550 relay not permitted" exits non-zero
// naming the reply, leaves every member pending and suppresses nobody;
// once the relay is fixed, the next send delivers to all.
func TestRelayRefusalPausesTheSend(t *testing.T) {
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	var refuse atomic.Bool
	refuse.Store(true)
	srv := smtptest.Start(t, smtptest.WithScript(func(c smtptest.Call) smtptest.Action {
		if c.Stage == smtptest.StageRcpt && refuse.Load() {
			return smtptest.Action{Reply: smtptest.RelayNotPermitted}
		}
		return smtptest.Action{}
	}))
	env := append(os.Environ(), "FOLIO_SMTP_HOST="+srv.Host, fmt.Sprintf("FOLIO_SMTP_PORT=%d", srv.Port),
		"FOLIO_SMTP_TLS=none", "FOLIO_SECRET=relay-test-secret-0123456789", "FOLIO_DELIVERY_WORKERS=1")
	run := func(args ...string) (string, error) {
		cmd := exec.Command(binary(t), append(args, "--config", cfg)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run("members", "import", filepath.Join(dir, "members.csv")); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, err := run("send", "--week", sampleWeek)
	if err == nil || !strings.Contains(out, "folio: ") || !strings.Contains(out, "550 relay not permitted") {
		t.Fatalf("send through a refusing relay: %v\n%s", err, out)
	}
	status, err := run("status", "--week", sampleWeek)
	if err != nil {
		t.Fatalf("status: %v\n%s", err, status)
	}
	if !regexp.MustCompile(`pending\s+6\n`).MatchString(status) || regexp.MustCompile(`failed_perm\s+[1-9]`).MatchString(status) {
		t.Errorf("ledger after the refusal:\n%s", status)
	}
	refuse.Store(false)
	if out, err := run("send", "--week", sampleWeek); err != nil {
		t.Fatalf("send after the relay was fixed: %v\n%s", err, out)
	}
	if n := len(srv.Messages()); n != 6 {
		t.Errorf("relay has %d messages, want the 6 active members'", n)
	}
}
