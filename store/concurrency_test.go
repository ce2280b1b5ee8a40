package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

// The three-process claim test re-executes this test binary: with
// envClaimChild set to a store target, TestMain claims from it and exits.
const (
	envClaimChild = "FOLIO_STORE_CLAIM_CHILD"
	// envClaimAt is when (Unix ms) the children start claiming, all
	// together, so each one meets the others.
	envClaimAt = "FOLIO_STORE_CLAIM_AT"
	claimIssue = "2026-W11"
)

func TestMain(m *testing.M) {
	if target := os.Getenv(envClaimChild); target != "" {
		os.Exit(claimChild(target))
	}
	if target := os.Getenv(envOwnerChild); target != "" {
		os.Exit(ownerChild(target))
	}
	os.Exit(m.Run())
}

// claimer claims batches of 5 rows until none is due, records each as
// sent, and hands every claimed member id to got.
func claimer(ctx context.Context, s *store.Store, owner string, got func(int64)) error {
	id := func(m member.Member) string { return fmt.Sprintf("<%d@x>", m.ID) }
	for {
		now := time.Now()
		cs, err := s.Claim(ctx, claimIssue, owner, 5, now, now.Add(time.Hour), id)
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			return nil
		}
		outs := make([]delivery.Outcome, len(cs))
		for i, c := range cs {
			got(c.MemberID)
			outs[i] = delivery.Outcome{MemberID: c.MemberID, State: delivery.StateSent, Reply: "250 ok"}
		}
		if err := s.Record(ctx, claimIssue, owner, outs, now); err != nil {
			return err
		}
	}
}

// claimChild is one process of the three: four goroutines claim from the
// store at target; each claimed id is printed on its own line.
func claimChild(target string) int {
	ctx := context.Background()
	s, err := store.Open(ctx, target)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer s.Close()
	if at, err := strconv.ParseInt(os.Getenv(envClaimAt), 10, 64); err == nil {
		time.Sleep(time.Until(time.UnixMilli(at)))
	}
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Go(func() {
			errs <- claimer(ctx, s, fmt.Sprintf("p%d-g%d", os.Getpid(), g), func(id int64) {
				mu.Lock()
				_, _ = fmt.Fprintln(out, id)
				mu.Unlock()
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	if err := out.Flush(); err != nil {
		return 1
	}
	return 0
}

// seedClaims makes n members and their pending rows of claimIssue.
func seedClaims(t *testing.T, s *store.Store, n int) {
	t.Helper()
	addMembers(t, s, n, "")
	if _, err := s.EnsureDeliveries(context.Background(), claimIssue, delivery.Audience{}, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// checkClaimedOnce fails unless every one of the n rows was claimed
// exactly once and is sent.
func checkClaimedOnce(t *testing.T, s *store.Store, n int, claimed map[int64]int) {
	t.Helper()
	for id, k := range claimed {
		if k != 1 {
			t.Errorf("member %d claimed %d times", id, k)
		}
	}
	if len(claimed) != n {
		t.Errorf("%d rows claimed, want %d", len(claimed), n)
	}
	counts, err := s.Counts(context.Background(), claimIssue)
	if err != nil {
		t.Fatal(err)
	}
	if counts[delivery.StateSent] != n {
		t.Errorf("ledger: %v, want %d sent", counts, n)
	}
}

// TestClaimConcurrentGoroutines: three stores on one database (three
// instances' pools), four goroutines each, claim the same issue's rows;
// none is claimed twice and every one is claimed.
func TestClaimConcurrentGoroutines(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			target := storetest.Target(t, engine)
			const n = 600
			var stores []*store.Store
			for range 3 {
				s, err := store.Open(ctx, target)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { closeStore(t, s) })
				stores = append(stores, s)
			}
			seedClaims(t, stores[0], n)
			var mu sync.Mutex
			claimed := map[int64]int{}
			var wg sync.WaitGroup
			for i, s := range stores {
				for g := range 4 {
					wg.Go(func() {
						err := claimer(ctx, s, fmt.Sprintf("s%d-g%d", i, g), func(id int64) {
							mu.Lock()
							claimed[id]++
							mu.Unlock()
						})
						if err != nil {
							t.Error(err)
						}
					})
				}
			}
			wg.Wait()
			checkClaimedOnce(t, stores[0], n, claimed)
		})
	}
}

// TestClaimThreeProcesses: three processes, four goroutines each, claim
// from one PostgreSQL database; no row is claimed twice.
func TestClaimThreeProcesses(t *testing.T) {
	ctx := context.Background()
	target := storetest.Target(t, "postgres")
	s, err := store.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 1500
	seedClaims(t, s, n)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	type child struct {
		cmd *exec.Cmd
		out strings.Builder
	}
	var kids []*child
	at := strconv.FormatInt(time.Now().Add(2*time.Second).UnixMilli(), 10)
	for range 3 {
		k := &child{cmd: exec.CommandContext(ctx, exe, "-test.run=^$")}
		k.cmd.Env = append(os.Environ(), envClaimChild+"="+target, envClaimAt+"="+at)
		k.cmd.Stdout = &k.out
		k.cmd.Stderr = os.Stderr
		if err := k.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		kids = append(kids, k)
	}
	claimed := map[int64]int{}
	for i, k := range kids {
		if err := k.cmd.Wait(); err != nil {
			t.Fatalf("process %d: %v", i, err)
		}
		lines := strings.Fields(k.out.String())
		if len(lines) == 0 {
			t.Errorf("process %d claimed nothing: the test would not see a race", i)
		}
		for _, l := range lines {
			id, err := strconv.ParseInt(l, 10, 64)
			if err != nil {
				t.Fatalf("process %d printed %q", i, l)
			}
			claimed[id]++
		}
	}
	checkClaimedOnce(t, s, n, claimed)
}

func closeStore(t testing.TB, s *store.Store) {
	if err := s.Close(); err != nil {
		t.Error(err)
	}
}
