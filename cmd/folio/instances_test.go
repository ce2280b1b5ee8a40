package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/foliopress/folio/mailer/smtptest"
	"github.com/foliopress/folio/store/storetest"
)

// TestAnyInstanceServesAndSendsTheIssue: on PostgreSQL built issues live
// in the database. Instance A builds the sample week; instance B — its
// own folders, no review files at all, so it could not build the issue —
// sends it (loading it from the database) and serves a member's archive
// link to it, PDF and photos included.
func TestAnyInstanceServesAndSendsTheIssue(t *testing.T) {
	t.Parallel() // its own folder, store, relay and processes
	a, b := sample(t), sample(t)
	if err := os.RemoveAll(filepath.Join(b, "reviews")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(b, "reviews"), 0o755); err != nil {
		t.Fatal(err)
	}
	relay := smtptest.Start(t)
	env := append(os.Environ(), "FOLIO_STORE_URL="+storetest.Target(t, "postgres"),
		"FOLIO_SMTP_HOST="+relay.Host, fmt.Sprintf("FOLIO_SMTP_PORT=%d", relay.Port), "FOLIO_SMTP_TLS=none",
		"FOLIO_SECRET=two-instances-test-secret-0123456789", "FOLIO_SERVER_LISTEN=127.0.0.1:0", "FOLIO_SCHEDULE_CRON=0 0 1 1 *")
	run := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command(binary(t), append(args, "--config", filepath.Join(dir, "folio.toml"))...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run(a, "members", "import", filepath.Join(a, "members.csv"))
	run(a, "build", "--week", sampleWeek)
	if entries, _ := os.ReadDir(filepath.Join(b, "issues")); len(entries) > 0 {
		t.Fatalf("instance b has issue files before it needs them: %v", entries)
	}
	if out := run(b, "send", "--week", sampleWeek); !strings.Contains(out, "6 sent") || strings.Contains(out, "built ") {
		t.Fatalf("instance b's send: %s", out)
	}
	if n := len(relay.Messages()); n != 6 {
		t.Fatalf("relay got %d messages, want 6", n)
	}
	parts := parseMessage(t, relay.Messages()[0].Data)
	own := regexp.MustCompile(`https://weekly\.example\.org(/archive/[A-Za-z0-9_.-]+/2026-W10/)`).FindStringSubmatch(parts.text)
	if own == nil {
		t.Fatalf("no personal issue link in the email:\n%s", parts.text)
	}

	serve := exec.Command(binary(t), "serve", "--config", filepath.Join(b, "folio.toml"))
	serve.Env = env
	var logs syncBuffer
	serve.Stdout, serve.Stderr = &logs, &logs
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = serve.Process.Signal(syscall.SIGTERM); _ = serve.Wait() })
	re := regexp.MustCompile(`http=(127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(logs.String()); m != nil {
			base = "http://" + m[1]
		}
	}
	if base == "" {
		t.Fatalf("serve did not start:\n%s", logs.String())
	}
	get := func(path string) (int, string, string) {
		t.Helper()
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Content-Type"), string(body)
	}
	if code, _, body := get(own[1]); code != 200 || !strings.Contains(body, "The Salt Orchard") {
		t.Errorf("web version from instance b: %d", code)
	}
	if code, ctype, body := get(own[1] + "issue.pdf"); code != 200 || ctype != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
		t.Errorf("PDF from instance b: %d %s", code, ctype)
	}
	if code, ctype, _ := get(own[1] + "images/the-salt-orchard.jpg"); code != 200 || ctype != "image/jpeg" {
		t.Errorf("photo from instance b: %d %s", code, ctype)
	}
	if code, _, _ := get("/issues/" + sampleWeek + "/"); code != 404 {
		t.Errorf("public web version: %d, want 404 (issues are for members)", code)
	}
}
