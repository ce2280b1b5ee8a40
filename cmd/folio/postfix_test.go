package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/internal/postfixtest"
	"github.com/foliopress/folio/store"
)

// lockedBuffer is a bytes.Buffer safe for a command writing in one
// goroutine while the test reads in another.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serveInProcess runs `folio serve` until the test ends.
func serveInProcess(t *testing.T, env []string, cfg string) *lockedBuffer {
	t.Helper()
	logs := &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		cmd := newRootCmd(logs, logs, env)
		cmd.SetArgs([]string{"serve", "--config", cfg})
		done <- cmd.ExecuteContext(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v\n%s", err, logs)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("serve did not stop\n%s", logs)
		}
	})
	return logs
}

// TestRealPostfixBounces is issue 12's real peer: Folio sends through a
// real Postfix to smtp-sinks, one of which refuses its recipients with
// 550 5.1.1; Postfix writes the DSNs itself and delivers them to the
// inbound listener of `folio serve`; those members end up bounced and
// suppressed, and the next issue leaves them out.
func TestRealPostfixBounces(t *testing.T) {
	start := time.Now()
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	members := "email,name,tier,status\n" +
		"ana@ok.test,Ana,print,active\nben@ok.test,Ben,print,active\ncy@ok.test,Cy,digital,active\ndee@ok.test,Dee,digital,active\n" +
		"gone@dead.test,Gone,print,active\nlost@dead.test,Lost,digital,active\n"
	csv := filepath.Join(dir, "relay-members.csv")
	if err := os.WriteFile(csv, []byte(members), 0o644); err != nil {
		t.Fatal(err)
	}
	mustFolio(t, "members", "import", csv, "--config", cfg)

	inboundPort := postfixtest.FreePort(t)
	inboundAddr := fmt.Sprintf("127.0.0.1:%d", inboundPort)
	pf := postfixtest.Start(t, map[string]string{
		"ok.test":                    postfixtest.Sink(t, ""),
		"dead.test":                  postfixtest.Sink(t, "550 5.1.1 Recipient address rejected: User unknown in local recipient table"),
		"bounces.weekly.example.org": inboundAddr,
	})
	env := []string{
		"FOLIO_SECRET=a-postfix-test-secret-of-some-length",
		"FOLIO_SMTP_HOST=" + pf.Host, fmt.Sprintf("FOLIO_SMTP_PORT=%d", pf.Port), "FOLIO_SMTP_TLS=none",
		"FOLIO_INBOUND_LISTEN=" + inboundAddr, "FOLIO_SERVER_LISTEN=127.0.0.1:0",
		// serve must not run or join a week on its own during the test.
		"FOLIO_SCHEDULE_CRON=0 0 29 2 *", "FOLIO_SCHEDULE_CATCH_UP=1s", "FOLIO_SCHEDULE_JOIN_EVERY=1h",
	}
	logs := serveInProcess(t, env, cfg)
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", inboundAddr, time.Second)
		if err == nil {
			_ = c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the inbound listener never came up\n%s", logs)
		}
		time.Sleep(50 * time.Millisecond)
	}

	out, stderr, err := folio(t, env, "send", "--week", sampleWeek, "--config", cfg)
	if err != nil {
		t.Fatalf("send: %v\n%s%s", err, out, stderr)
	}
	// Postfix took all six; two come back as DSNs.
	st, err := store.Open(context.Background(), filepath.Join(dir, "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	status := func(email string) member.Status {
		m, err := st.MemberByEmail(context.Background(), email)
		if err != nil {
			t.Fatal(err)
		}
		return m.Status
	}
	deadline = time.Now().Add(30 * time.Second)
	for status("gone@dead.test") != member.StatusBounced || status("lost@dead.test") != member.StatusBounced {
		if time.Now().After(deadline) {
			t.Fatalf("the DSNs never made the dead.test members bounced\nserve:\n%s", logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, email := range []string{"gone@dead.test", "lost@dead.test"} {
		sp, ok, err := st.SuppressionOf(context.Background(), email)
		if err != nil || !ok || sp.Reason != member.ReasonBounce || !strings.HasPrefix(sp.Detail, "5.1.1") ||
			!strings.HasPrefix(sp.Source, "dsn smtp from <>") {
			t.Errorf("%s: suppression %+v %v %v", email, sp, ok, err)
		}
	}
	for _, email := range []string{"ana@ok.test", "ben@ok.test", "cy@ok.test", "dee@ok.test"} {
		if s := status(email); s != member.StatusActive {
			t.Errorf("%s is %s", email, s)
		}
	}
	if !strings.Contains(logs.String(), "kind=bounce outcome=acted") {
		t.Errorf("serve logged no acted bounce:\n%s", logs)
	}
	// Postfix wrote the DSNs to each member's own VERP address.
	if n := strings.Count(pf.Log(), "to=<bounces+"); n != 2 {
		t.Errorf("Postfix delivered %d DSNs to VERP addresses, want 2", n)
	}

	// The next issue leaves them out.
	weekly := filepath.Join(dir, "reviews", "books", "a-short-history-of-borrowed-umbrellas.md")
	data, err := os.ReadFile(weekly)
	if err != nil {
		t.Fatal(err)
	}
	next := strings.Replace(string(data), "published: 2026-03-06T09:30:00-05:00", "published: 2026-03-11T09:30:00-05:00", 1)
	if next == string(data) {
		t.Fatal("the sample review's date moved; update the test")
	}
	if err := os.WriteFile(filepath.Join(dir, "reviews", "books", "next-week.md"), []byte(next), 0o644); err != nil {
		t.Fatal(err)
	}
	sentBefore := strings.Count(pf.Log(), "status=sent")
	if out, stderr, err := folio(t, env, "send", "--week", "2026-W11", "--config", cfg); err != nil {
		t.Fatalf("second send: %v\n%s%s", err, out, stderr)
	}
	rows, err := st.Deliveries(context.Background(), "2026-W11")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("2026-W11 has %d ledger rows, want the 4 members who did not bounce: %+v", len(rows), rows)
	}
	deadline = time.Now().Add(20 * time.Second)
	for strings.Count(pf.Log(), "status=sent") < sentBefore+4 {
		if time.Now().After(deadline) {
			t.Fatal("Postfix did not deliver the second issue")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := strings.Count(pf.Log(), "@dead.test>"); n != 2 {
		t.Errorf("Postfix saw %d deliveries to dead.test, want only the first issue's 2", n)
	}
	t.Logf("real Postfix round trip in %s", time.Since(start).Round(time.Millisecond))
}
