package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
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

func ownerChild(target string) int {
	ctx := context.Background()
	s, err := store.Open(ctx, target)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if _, err := s.BindOwner(ctx, "doomed"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	now := time.Now()
	cs, err := s.Claim(ctx, claimIssue, "doomed", 3, now, now.Add(time.Hour), func(m member.Member) string {
		return fmt.Sprintf("<%d@doomed>", m.ID)
	})
	if err != nil || len(cs) != 3 {
		fmt.Fprintln(os.Stderr, "claim:", len(cs), err)
		return 2
	}
	fmt.Println("claimed")
	time.Sleep(time.Minute)
	return 0
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
			target := storetest.Target(t, engine)
			s, err := store.Open(ctx, target)
			if err != nil {
				t.Fatal(err)
			}
			defer closeStore(t, s)
			seedClaims(t, s, 5)
			exe, err := os.Executable()
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(exe, "-test.run=^$")
			cmd.Env = append(os.Environ(), envOwnerChild+"="+target)
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
			line, err := bufio.NewReader(out).ReadString('\n')
			if err != nil || strings.TrimSpace(line) != "claimed" {
				t.Fatalf("child: %q %v", line, err)
			}

			release, err := s.BindOwner(ctx, "heir")
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
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			// PostgreSQL ends the dead session's locks once it notices the
			// socket closed: within moments, not a lease.
			var cs []delivery.Claim
			for deadline := time.Now().Add(10 * time.Second); len(cs) == 0 && time.Now().Before(deadline); {
				cs = claim()
				if len(cs) == 0 {
					time.Sleep(20 * time.Millisecond)
				}
			}
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
		release, err := s.BindOwner(ctx, "a")
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
		if _, err := s.BindOwner(ctx, "a"); err == nil {
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
		again, err := s.BindOwner(ctx, "a")
		if err != nil {
			t.Fatalf("binding a released owner again: %v", err)
		}
		again()
	})
}
