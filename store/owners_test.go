package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

// envOwnerChild makes the test binary a sender that binds an owner,
// claims three rows, says so, and waits to be killed.
const envOwnerChild = "FOLIO_STORE_OWNER_CHILD"

func ownerChild(arg string) int {
	ctx := context.Background()
	target, mode, _ := strings.Cut(arg, "|")
	s, err := store.Open(ctx, target)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	issue := claimIssue
	if mode == "run" {
		issue = ""
	}
	if _, err := s.BindOwner(ctx, issue, "doomed"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	now := time.Now()
	if mode == "run" {
		if ok, err := s.ClaimRunLease(ctx, claimIssue, "doomed", now, now.Add(time.Hour)); err != nil || !ok {
			fmt.Fprintln(os.Stderr, "run lease:", ok, err)
			return 2
		}
	} else {
		cs, err := s.Claim(ctx, claimIssue, "doomed", 3, now, now.Add(time.Hour), func(m member.Member) string {
			return fmt.Sprintf("<%d@doomed>", m.ID)
		})
		if err != nil || len(cs) != 3 {
			fmt.Fprintln(os.Stderr, "claim:", len(cs), err)
			return 2
		}
	}
	fmt.Println("claimed")
	time.Sleep(time.Minute)
	return 0
}

// startDoomed starts the owner child on target and waits until it holds
// what mode says ("rows": three rows of claimIssue; "run": its run
// lease). Kill it with SIGKILL.
func startDoomed(t *testing.T, target, mode string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), envOwnerChild+"="+target+"|"+mode)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "claimed" {
		t.Fatalf("child: %q %v", line, err)
	}
	return cmd
}

// kill9 kills the child and reaps it.
func kill9(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
}

// eventually retries f for up to 10 s: PostgreSQL ends a dead session's
// locks once it notices the socket closed, within moments, not a lease.
func eventually(f func() bool) bool {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if f() {
			return true
		}
	}
	return false
}

// TestDeadOwnerRowsComeBackAtOnce: a process binds its owner, claims
// three rows under an hour's lease and is killed with SIGKILL. While it
// lives, its rows are not claimed; once it is dead, the next claim takes
// them at once, with the Message-IDs they were given and the attempt not
// counted twice.
func TestDeadOwnerRowsComeBackAtOnce(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			s, target := openTarget(t, engine)
			seedClaims(t, s, 5)
			cmd := startDoomed(t, target, "rows")

			release, err := s.BindOwner(ctx, claimIssue, "heir")
			if err != nil {
				t.Fatal(err)
			}
			defer release()
			id := func(m member.Member) string { return fmt.Sprintf("<%d@heir>", m.ID) }
			claim := func() []delivery.Claim {
				t.Helper()
				now := time.Now()
				cs, err := s.Claim(ctx, claimIssue, "heir", 10, now, now.Add(time.Hour), id)
				if err != nil {
					t.Fatal(err)
				}
				return cs
			}
			if cs := claim(); len(cs) != 2 {
				t.Fatalf("claimed %d rows while the owner lives, want the 2 it did not hold", len(cs))
			}
			if cs := claim(); len(cs) != 0 {
				t.Fatalf("claimed %d of a live owner's rows", len(cs))
			}
			kill9(t, cmd)
			var cs []delivery.Claim
			eventually(func() bool { cs = claim(); return len(cs) > 0 })
			if len(cs) != 3 {
				t.Fatalf("claimed %d of the dead owner's rows, want 3", len(cs))
			}
			for _, c := range cs {
				if c.MessageID != fmt.Sprintf("<%d@doomed>", c.MemberID) || c.Attempts != 1 {
					t.Errorf("reclaimed row %d: Message-ID %s, attempts %d; want the first Message-ID and 1 attempt",
						c.MemberID, c.MessageID, c.Attempts)
				}
			}
		})
	}
}

// TestBoundOwnerLifecycle: an owner cannot be bound twice while it
// lives, and its rows are not taken while it lives. One that ended
// cleanly (release) is no longer listed: rows it left sending, which a
// clean end does not do, wait out their lease as any unbound owner's do.
func TestBoundOwnerLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedClaims(t, s, 2)
		release, err := s.BindOwner(ctx, claimIssue, "a")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		id := func(m member.Member) string { return "x" }
		claim := func(at time.Time) int {
			t.Helper()
			cs, err := s.Claim(ctx, claimIssue, "b", 2, at, at.Add(time.Hour), id)
			if err != nil {
				t.Fatal(err)
			}
			return len(cs)
		}
		if cs, err := s.Claim(ctx, claimIssue, "a", 2, now, now.Add(time.Hour), id); err != nil || len(cs) != 2 {
			t.Fatal(cs, err)
		}
		if _, err := s.BindOwner(ctx, claimIssue, "a"); err == nil {
			t.Error("bound a live owner twice")
		}
		if n := claim(now); n != 0 {
			t.Fatalf("took %d of a live owner's rows", n)
		}
		release()
		if n := claim(now); n != 0 {
			t.Fatalf("took %d rows of a released owner before their lease ended", n)
		}
		if n := claim(now.Add(2 * time.Hour)); n != 2 {
			t.Fatalf("after the lease: %d rows, want 2", n)
		}
		again, err := s.BindOwner(ctx, claimIssue, "a")
		if err != nil {
			t.Fatalf("binding a released owner again: %v", err)
		}
		again()
	})
}

// TestRunLeaseOfDeadHolder: the week's run held by a process that dies
// is taken over at once, not after its lease.
func TestRunLeaseOfDeadHolder(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			s, target := openTarget(t, engine)
			cmd := startDoomed(t, target, "run")
			take := func() bool {
				now := time.Now()
				ok, err := s.ClaimRunLease(ctx, claimIssue, "heir", now, now.Add(time.Hour))
				if err != nil {
					t.Fatal(err)
				}
				return ok
			}
			if take() {
				t.Fatal("took the run of a live holder")
			}
			kill9(t, cmd)
			if !eventually(take) {
				t.Fatal("the run of a dead holder was not taken over")
			}
		})
	}
}

// TestActiveSends: an issue is listed while a live process sends it (a
// bound owner); once that process is dead, the next call lists it to be
// resumed and gives its rows back; a send that ended is not listed.
func TestActiveSends(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			s, target := openTarget(t, engine)
			seedClaims(t, s, 5)
			active := func() []string {
				got, err := s.ActiveSends(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return got
			}
			cmd := startDoomed(t, target, "rows")
			release, err := s.BindOwner(ctx, "2026-W12", "live")
			if err != nil {
				t.Fatal(err)
			}
			if got := active(); !slices.Equal(got, []string{claimIssue, "2026-W12"}) {
				t.Fatalf("active sends %v, want both", got)
			}
			kill9(t, cmd)
			// The dead sender's issue stays listed, to be resumed, with
			// its rows given back, until a live sender takes it on.
			if !eventually(func() bool {
				counts, _ := s.Counts(ctx, claimIssue)
				return slices.Equal(active(), []string{claimIssue, "2026-W12"}) && counts[delivery.StatePending] == 5
			}) {
				t.Fatalf("the dead sender's send is not listed with its rows given back: %v", active())
			}
			if got := active(); !slices.Equal(got, []string{claimIssue, "2026-W12"}) {
				t.Fatalf("active sends %v: the dead sender's send was dropped before anyone resumed it", got)
			}
			resume, err := s.BindOwner(ctx, claimIssue, "resumer")
			if err != nil {
				t.Fatal(err)
			}
			if got := active(); !slices.Equal(got, []string{claimIssue, "2026-W12"}) {
				t.Fatalf("active sends %v while the resumer sends", got)
			}
			resume()
			// Its resumer ended: the issue is no longer listed (its rows
			// are pending, but no sender died holding them).
			if got := active(); !slices.Equal(got, []string{"2026-W12"}) {
				t.Fatalf("active sends %v after the dead sender's send was taken on", got)
			}
			release()
			if got := active(); len(got) != 0 {
				t.Fatalf("active sends %v after the last send ended", got)
			}
		})
	}
}
