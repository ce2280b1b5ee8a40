package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/foliopress/folio/mailer/smtptest"
)

// TestSIGTERMDuringSendIsClean stops a real `folio send` with SIGTERM
// half-way through a slow relay: the messages in flight finish, the rest
// stay pending, the command exits 0 with a summary, and the next send
// delivers exactly the rest.
func TestSIGTERMDuringSendIsClean(t *testing.T) {
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	var csv strings.Builder
	csv.WriteString("email,name,tier,status\n")
	const members = 120
	for i := range members {
		fmt.Fprintf(&csv, "reader%03d@example.org,Reader %d,digital,active\n", i, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "many.csv"), []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := smtptest.Start(t, smtptest.WithHook(func(stage smtptest.Stage, _, _ string) smtptest.Action {
		if stage == smtptest.StageRcpt {
			return smtptest.Action{Delay: 25 * time.Millisecond}
		}
		return smtptest.Action{}
	}))
	env := append(os.Environ(), "FOLIO_SMTP_HOST="+srv.Host, fmt.Sprintf("FOLIO_SMTP_PORT=%d", srv.Port),
		"FOLIO_SMTP_TLS=none", "FOLIO_SECRET=sigterm-test-secret-0123456789", "FOLIO_DELIVERY_WORKERS=2")
	run := func(args ...string) *exec.Cmd {
		cmd := exec.Command(binary(t), append(args, "--config", cfg)...)
		cmd.Env = env
		return cmd
	}
	if out, err := run("members", "import", filepath.Join(dir, "many.csv")).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if out, err := run("build", "--week", sampleWeek).CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	send := run("send", "--week", sampleWeek)
	var stdout syncBuffer
	send.Stdout, send.Stderr = &stdout, &stdout
	if err := send.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); len(srv.Messages()) < 20 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if err := send.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := send.Wait(); err != nil {
		t.Fatalf("send after SIGTERM: %v\n%s", err, stdout.String())
	}
	first := len(srv.Messages())
	if first >= members {
		t.Fatalf("the send finished (%d messages) before SIGTERM landed; slow the relay", first)
	}
	if !regexp.MustCompile(`sent 2026-W10: \d+ sent`).MatchString(stdout.String()) {
		t.Errorf("no summary after SIGTERM:\n%s", stdout.String())
	}
	status, err := run("status", "--week", sampleWeek).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`sending\s+0\n`).Match(status) || !regexp.MustCompile(fmt.Sprintf(`sent\s+%d\n`, first)).Match(status) {
		t.Errorf("ledger after SIGTERM (relay has %d messages):\n%s", first, status)
	}
	if out, err := run("send", "--week", sampleWeek).CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	seen := map[string]int{}
	for _, m := range srv.Messages() {
		seen[m.To[0]]++
	}
	if len(seen) != members {
		t.Errorf("%d members reached, want %d", len(seen), members)
	}
	for addr, n := range seen {
		if n != 1 {
			t.Errorf("%s received %d copies", addr, n)
		}
	}
}
