package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/foliopress/folio/mailer/smtptest"
	"github.com/foliopress/folio/store/storetest"
)

// TestSendAfterKillFinishesInOneGo: `folio send` is killed with SIGKILL
// twice at random moments of a 600-member send; the next `folio send`
// (with the default 10-minute lease) delivers the rest in one go and
// exits 0, because a dead sender's rows come back at once. Every member
// gets the issue; a second copy comes only from a message in flight at a
// kill (at most one per worker), with the same Message-ID. On both
// stores, side by side (each has its own relay, folder and database).
func TestSendAfterKillFinishesInOneGo(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			testSendAfterKill(t, engine)
		})
	}
}

func testSendAfterKill(t *testing.T, engine string) {
	const members, kills, workers = 600, 2, 4
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	srv := smtptest.Start(t)
	env := append(os.Environ(),
		"FOLIO_SMTP_HOST="+srv.Host, fmt.Sprintf("FOLIO_SMTP_PORT=%d", srv.Port), "FOLIO_SMTP_TLS=none",
		"FOLIO_SECRET=a-recovery-test-secret-of-some-length", fmt.Sprintf("FOLIO_DELIVERY_WORKERS=%d", workers))
	if engine == "postgres" {
		env = append(env, "FOLIO_STORE_URL="+storetest.Target(t, engine))
	}
	list := manyMembers(t, dir, members)
	folioCmd := func(args ...string) *exec.Cmd {
		cmd := exec.Command(binary(t), append(args, "--config", cfg)...)
		cmd.Env = env
		return cmd
	}
	for _, args := range [][]string{{"members", "import", list}, {"build", "--week", sampleWeek}} {
		if out, err := folioCmd(args...).CombinedOutput(); err != nil {
			t.Fatalf("folio %v: %v\n%s", args, err, out)
		}
	}
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 13))
	for k := range kills {
		cmd := folioCmd("send", "--week", sampleWeek)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		target := len(srv.Messages()) + 50 + rng.IntN(150)
		srv.Wait(target, 30*time.Second)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		t.Logf("kill %d after %d messages", k+1, len(srv.Messages()))
	}
	if len(srv.Messages()) >= members {
		t.Fatalf("every member was sent before the last kill: the test proves nothing")
	}
	var out bytes.Buffer
	final := folioCmd("send", "--week", sampleWeek)
	final.Stdout, final.Stderr = &out, &out
	if err := final.Run(); err != nil {
		t.Fatalf("the send after the kills did not finish in one go: %v\n%s", err, out.String())
	}
	perAddr := map[string][]string{}
	for _, m := range srv.Messages() {
		perAddr[m.To[0]] = append(perAddr[m.To[0]], m.MessageID)
	}
	dups := smtptest.Duplicates(t, perAddr, memberAddrs(members))
	if dups > kills*workers {
		t.Errorf("%d duplicates after %d kills of %d workers", dups, kills, workers)
	}
	t.Logf("%d messages for %d members, %d duplicates; last send: %s", len(srv.Messages()), members, dups, strings.TrimSpace(out.String()))
}
