package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/foliopress/folio/mailer/smtptest"
	"github.com/foliopress/folio/store/storetest"
)

// manyMembers writes a members CSV of n active members m0@example.org …
// (PDF as a link, so messages stay small) into dir.
func manyMembers(t *testing.T, dir string, n int) string {
	t.Helper()
	var csv strings.Builder
	csv.WriteString("email,name,tier,status,deliver_pdf\n")
	for i := range n {
		fmt.Fprintf(&csv, "m%d@example.org,Member %d,digital,active,link\n", i, i)
	}
	list := filepath.Join(dir, "many.csv")
	if err := os.WriteFile(list, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return list
}

// memberAddrs is the addresses manyMembers writes for n members.
func memberAddrs(n int) []string {
	addrs := make([]string, n)
	for i := range addrs {
		addrs[i] = fmt.Sprintf("m%d@example.org", i)
	}
	return addrs
}

// TestServeJoinsASendStartedElsewhere: on one PostgreSQL store, a
// `folio serve` instance joins a `folio send` that another process
// started, and sends part of it; together they deliver every member once.
func TestServeJoinsASendStartedElsewhere(t *testing.T) {
	t.Parallel() // its own folder, store, relay and processes
	const members = 400
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	// A slow relay (5 ms a message) keeps the send going long enough.
	srv := smtptest.Start(t, smtptest.WithScript(func(c smtptest.Call) smtptest.Action {
		if c.Stage == smtptest.StageData {
			return smtptest.Action{Delay: 5 * time.Millisecond}
		}
		return smtptest.Action{}
	}))
	env := append(os.Environ(),
		"FOLIO_SMTP_HOST="+srv.Host, fmt.Sprintf("FOLIO_SMTP_PORT=%d", srv.Port), "FOLIO_SMTP_TLS=none",
		"FOLIO_SECRET=a-join-test-secret-of-some-length", "FOLIO_DELIVERY_WORKERS=2",
		"FOLIO_STORE_URL="+storetest.Target(t, "postgres"),
		"FOLIO_SCHEDULE_JOIN_EVERY=100ms", "FOLIO_SCHEDULE_CATCH_UP=1s", "FOLIO_SERVER_LISTEN=127.0.0.1:0")
	folioCmd := func(args ...string) *exec.Cmd {
		cmd := exec.Command(binary(t), append(args, "--config", cfg)...)
		cmd.Env = env
		return cmd
	}
	for _, args := range [][]string{{"members", "import", manyMembers(t, dir, members)}, {"build", "--week", sampleWeek}} {
		if out, err := folioCmd(args...).CombinedOutput(); err != nil {
			t.Fatalf("folio %v: %v\n%s", args, err, out)
		}
	}
	send := folioCmd("send", "--week", sampleWeek)
	var sendOut strings.Builder
	send.Stdout, send.Stderr = &sendOut, &sendOut
	if err := send.Start(); err != nil {
		t.Fatal(err)
	}
	srv.Wait(20, 20*time.Second)
	serve := folioCmd("serve")
	var serveLog syncBuffer
	serve.Stdout, serve.Stderr = &serveLog, &serveLog
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = serve.Process.Kill(); _ = serve.Wait() }()
	if err := send.Wait(); err != nil {
		t.Fatalf("folio send: %v\n%s", err, sendOut.String())
	}
	// The joined send ends once nothing is due; serve logs its summary.
	joined := regexp.MustCompile(`joined a send.*summary="` + sampleWeek + `: (\d+) sent`)
	var m []string
	for deadline := time.Now().Add(20 * time.Second); m == nil && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		m = joined.FindStringSubmatch(serveLog.String())
	}
	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	_ = serve.Wait()
	if m == nil {
		t.Fatalf("serve never joined the send:\n%s", serveLog.String())
	}
	if n, _ := strconv.Atoi(m[1]); n == 0 {
		t.Errorf("serve joined but sent nothing:\n%s", serveLog.String())
	}
	got := map[string]int{}
	for _, msg := range srv.Messages() {
		got[msg.To[0]]++
	}
	for i := range members {
		if addr := fmt.Sprintf("m%d@example.org", i); got[addr] != 1 {
			t.Errorf("%s got %d copies, want 1", addr, got[addr])
		}
	}
	t.Logf("send: %s; serve: %s", strings.TrimSpace(sendOut.String()), m[0])
}

// TestServeResumesASendWhoseSenderDied: a `folio send` is killed with
// SIGKILL and nobody runs it again; a `folio serve` on the same
// PostgreSQL store takes the send on and finishes it.
func TestServeResumesASendWhoseSenderDied(t *testing.T) {
	t.Parallel() // its own folder, store, relay and processes
	const members = 300
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	srv := smtptest.Start(t)
	target := storetest.Target(t, "postgres")
	env := append(os.Environ(),
		"FOLIO_SMTP_HOST="+srv.Host, fmt.Sprintf("FOLIO_SMTP_PORT=%d", srv.Port), "FOLIO_SMTP_TLS=none",
		"FOLIO_SECRET=a-join-test-secret-of-some-length", "FOLIO_DELIVERY_WORKERS=2",
		"FOLIO_STORE_URL="+target,
		"FOLIO_SCHEDULE_JOIN_EVERY=100ms", "FOLIO_SCHEDULE_CATCH_UP=1s", "FOLIO_SERVER_LISTEN=127.0.0.1:0")
	folioCmd := func(args ...string) *exec.Cmd {
		cmd := exec.Command(binary(t), append(args, "--config", cfg)...)
		cmd.Env = env
		return cmd
	}
	for _, args := range [][]string{{"members", "import", manyMembers(t, dir, members)}, {"build", "--week", sampleWeek}} {
		if out, err := folioCmd(args...).CombinedOutput(); err != nil {
			t.Fatalf("folio %v: %v\n%s", args, err, out)
		}
	}
	send := folioCmd("send", "--week", sampleWeek)
	if err := send.Start(); err != nil {
		t.Fatal(err)
	}
	srv.Wait(30, 20*time.Second)
	if err := send.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = send.Wait()
	if n := len(srv.Messages()); n >= members {
		t.Fatalf("the send finished (%d messages) before its kill", n)
	}
	serve := folioCmd("serve")
	var serveLog syncBuffer
	serve.Stdout, serve.Stderr = &serveLog, &serveLog
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = serve.Process.Kill(); _ = serve.Wait() }()
	got := map[string]bool{}
	for deadline := time.Now().Add(30 * time.Second); len(got) < members && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, m := range srv.Messages() {
			got[m.To[0]] = true
		}
	}
	if len(got) < members {
		t.Fatalf("%d of %d members got the issue; serve did not resume the dead sender's send:\n%s", len(got), members, serveLog.String())
	}
}
