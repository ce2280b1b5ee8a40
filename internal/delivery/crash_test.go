package delivery_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"

	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/mailer/smtptest"
	"github.com/foliopress/folio/store"
)

// The crash test re-executes this test binary as the sender: with
// FOLIO_CRASH_CHILD set, TestMain runs one Send and exits.
const (
	envChild = "FOLIO_CRASH_CHILD"
	envDB    = "FOLIO_CRASH_DB"
	envSMTP  = "FOLIO_CRASH_SMTP_PORT"
)

// crashWorkers and crashLease are the child sender's settings: a short
// lease so a killed run's `sending` rows come back quickly.
const (
	crashWorkers = 4
	crashLease   = 1500 * time.Millisecond
)

func TestMain(m *testing.M) {
	if os.Getenv(envChild) == "1" {
		os.Exit(crashChild())
	}
	os.Exit(m.Run())
}

// crashChild is the sender process: open the store, send, exit.
func crashChild() int {
	ctx := context.Background()
	st, err := store.Open(ctx, os.Getenv(envDB))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer st.Close()
	port, _ := strconv.Atoi(os.Getenv(envSMTP))
	s, err := delivery.NewSender(delivery.Options{
		Ledger: st,
		// A generous timeout: on a loaded machine a 1 s one turned replies
		// into retries due minutes later, and the ledger never settled.
		Transport: mailer.NewSMTP(mailer.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: "none", Timeout: 10 * time.Second}),
		Composer:  composer(issueID),
		From:      "Folio Weekly <issues@weekly.example.org>",
		Workers:   crashWorkers,
		Lease:     crashLease,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	sum, err := s.Send(ctx, issueID)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(sum)
	return 0
}

// TestCrashKillNine kills the sending process with SIGKILL at random
// moments of a 2,000-member send, ten times, restarting it each time.
// Every member must end up with the issue; a member may have a second
// copy only from a row that was in flight at a kill (at most one per
// worker per kill), always with the same Message-ID.
func TestCrashKillNine(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: a few seconds of child processes")
	}
	const members, kills = 2000, 10
	srv := smtptest.Start(t)
	dbPath := filepath.Join(t.TempDir(), "folio.db")
	seed(t, dbPath, members)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 5))
	start := func() *exec.Cmd {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), envChild+"=1", envDB+"="+dbPath, envSMTP+"="+strconv.Itoa(srv.Port))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	for k := range kills {
		before := len(srv.Messages())
		cmd := start()
		// Kill after a random number of further messages (or time).
		target := before + 20 + rng.IntN(150)
		srv.Wait(target, 20*time.Second)
		time.Sleep(time.Duration(rng.IntN(5)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("kill %d: %v", k, err)
		}
		_ = cmd.Wait()
		t.Logf("kill %d after %d messages in total", k+1, len(srv.Messages()))
	}
	// Restart until the ledger is settled; expired leases need crashLease.
	for attempt := 0; ; attempt++ {
		cmd := start()
		if err := cmd.Wait(); err != nil {
			t.Fatalf("final run: %v", err)
		}
		counts := ledgerCounts(t, dbPath)
		if counts[delivery.StateSent] == members {
			break
		}
		if attempt > 20 {
			t.Fatalf("ledger never settled: %v", counts)
		}
		time.Sleep(crashLease)
	}
	perAddr := map[string][]string{}
	for _, m := range srv.Messages() {
		perAddr[m.To[0]] = append(perAddr[m.To[0]], m.MessageID)
	}
	addrs := make([]string, members)
	for i := range addrs {
		addrs[i] = fmt.Sprintf("m%d@example.org", i+1) // as seed writes them
	}
	dups := smtptest.Duplicates(t, perAddr, addrs)
	if dups > kills*crashWorkers {
		t.Errorf("%d duplicates after %d kills of %d workers", dups, kills, crashWorkers)
	}
	t.Logf("%d members, %d messages, %d duplicates after %d kills", members, len(srv.Messages()), dups, kills)
}

func seed(t *testing.T, path string, n int) {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ms := make([]member.Member, n)
	for i := range ms {
		ms[i] = member.Member{Email: fmt.Sprintf("m%d@example.org", i+1), Name: fmt.Sprintf("Member %d", i+1), Status: member.StatusActive}
	}
	if _, _, err := st.UpsertMembers(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
}

func ledgerCounts(t *testing.T, path string) map[delivery.State]int {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := st.Counts(context.Background(), issueID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
