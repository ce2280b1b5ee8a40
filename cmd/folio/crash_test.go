package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/mailer/smtptest"
	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

// crashFull runs TestCrashThreeInstances at the size issue 13 names:
// 5,000 members, each instance killed five times. scripts/test.sh runs
// it once, without -race; the ordinary run is a smaller copy.
var crashFull = flag.Bool("crash.full", false, "crash test at full size (5,000 members, 5 kills per instance)")

// TestCrashThreeInstances: three instances send one issue through one
// PostgreSQL store to Postfix's smtp-sink; each is killed with SIGKILL at random moments and
// restarted. Every member gets the issue; a second copy comes only from a
// message in flight at a kill (at most one per worker per kill), with the
// same Message-ID; every instance's last `folio send` exits 0.
func TestCrashThreeInstances(t *testing.T) {
	t.Parallel() // its own folder, store, relay and processes
	members, kills := 600, 2
	if *crashFull {
		members, kills = 5000, 5
	}
	const instances, workers = 3, 4
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	srv := startSinkDump(t)
	target := storetest.Target(t, "postgres")
	env := append(os.Environ(),
		"FOLIO_SMTP_HOST="+srv.Host, fmt.Sprintf("FOLIO_SMTP_PORT=%d", srv.Port), "FOLIO_SMTP_TLS=none",
		"FOLIO_SECRET=a-crash-test-secret-of-some-length", fmt.Sprintf("FOLIO_DELIVERY_WORKERS=%d", workers),
		"FOLIO_STORE_URL="+target)
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
	seed := time.Now().UnixNano()
	t.Logf("seed %d; %d members, %d instances killed %d times each", seed, members, instances, kills)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		landed int // kills that hit a running send
	)
	for i := range instances {
		rng := rand.New(rand.NewPCG(uint64(seed), uint64(i)))
		wg.Go(func() {
			for k := 0; ; k++ {
				cmd := folioCmd("send", "--week", sampleWeek)
				out := &syncBuffer{}
				cmd.Stdout, cmd.Stderr = out, out
				if err := cmd.Start(); err != nil {
					t.Error(err)
					return
				}
				if k == kills {
					if err := cmd.Wait(); err != nil {
						t.Errorf("instance %d: the send after %d kills failed: %v\n%s", i, kills, err, out.String())
					}
					return
				}
				// A random moment of the send: after a few more messages
				// reached the relay (from any instance), unless it ended.
				exited := make(chan error, 1)
				go func() { exited <- cmd.Wait() }()
				target := srv.Count() + 10 + rng.IntN(members/(instances*kills))
				tick := time.NewTicker(10 * time.Millisecond) // each tick lists the sink's folder
			wait:
				for srv.Count() < target {
					select {
					case err := <-exited:
						if err != nil {
							t.Errorf("instance %d failed before its kill: %v\n%s", i, err, out.String())
						}
						break wait
					case <-tick.C:
					}
				}
				tick.Stop()
				if cmd.Process.Signal(syscall.SIGKILL) == nil {
					if err := <-exited; err != nil {
						mu.Lock()
						landed++
						mu.Unlock()
					}
				}
			}
		})
	}
	wg.Wait()
	if landed < instances {
		t.Errorf("only %d of %d kills hit a running send: the test proves little", landed, instances*kills)
	}
	perAddr := map[string][]string{}
	msgs := srv.Messages(t)
	for _, m := range msgs {
		perAddr[m.To] = append(perAddr[m.To], m.MessageID)
	}
	dups := smtptest.Duplicates(t, perAddr, memberAddrs(members))
	if dups > landed*workers {
		t.Errorf("%d duplicates after %d kills of %d workers", dups, landed, workers)
	}
	st, err := store.Open(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	counts, err := st.Counts(context.Background(), sampleWeek)
	if err != nil || counts[delivery.StateSent] != members {
		t.Errorf("ledger %v (%v), want all %d sent", counts, err, members)
	}
	t.Logf("%d messages, %d duplicates after %d kills that landed", len(msgs), dups, landed)
}
