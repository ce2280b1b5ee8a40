package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

// open is a SQLite store, for the benchmarks run on one engine.
func open(t testing.TB) *store.Store { return storetest.Open(t, "sqlite") }

// openTarget opens a new, empty store on engine and returns it with its
// target, for tests that open it again (other processes, raw SQL); it is
// closed when the test ends.
func openTarget(t *testing.T, engine string) (*store.Store, string) {
	t.Helper()
	target := storetest.Target(t, engine)
	s, err := store.Open(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeStore(t, s) })
	return s, target
}

// queryStrings runs q on the database at target (driver "sqlite" or
// "pgx") and returns its one text column.
func queryStrings(t *testing.T, driver, target, q string, args ...any) []string {
	t.Helper()
	db, err := sql.Open(driver, target)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func mem(email, tier string, st member.Status) member.Member {
	return member.Member{Email: email, Name: "N " + email, Tier: tier, Status: st}
}

// addMembers adds n active members m0@example.org … of tier.
func addMembers(t testing.TB, s *store.Store, n int, tier string) {
	t.Helper()
	ms := make([]member.Member, n)
	for i := range ms {
		ms[i] = mem(fmt.Sprintf("m%d@example.org", i), tier, member.StatusActive)
	}
	if _, _, err := s.UpsertMembers(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
}

func TestUpsertMembersUpdatesByEmailIgnoringCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		added, updated, err := s.UpsertMembers(ctx, []member.Member{
			mem("ann@example.org", "print", member.StatusActive),
			mem("bob@example.org", "web", member.StatusPaused),
		})
		if err != nil || added != 2 || updated != 0 {
			t.Fatalf("first import: added %d updated %d err %v", added, updated, err)
		}
		added, updated, err = s.UpsertMembers(ctx, []member.Member{
			{Email: "ANN@Example.org", Name: "Ann Again", Tier: "web", Status: member.StatusUnsubscribed, DeliverPDF: "link"},
			mem("cy@example.org", "", member.StatusActive),
		})
		if err != nil || added != 1 || updated != 1 {
			t.Fatalf("re-import: added %d updated %d err %v", added, updated, err)
		}
		all, err := s.ListMembers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 {
			t.Fatalf("got %d members, want 3: %+v", len(all), all)
		}
		ann := all[0]
		if ann.Name != "Ann Again" || ann.Tier != "web" || ann.Status != member.StatusUnsubscribed || ann.DeliverPDF != "link" || ann.Email != "ANN@Example.org" {
			t.Errorf("ann not updated: %+v", ann)
		}
	})
}

func TestUpsertMembersIsOneTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, _, err := s.UpsertMembers(ctx, []member.Member{
			mem("ok@example.org", "", member.StatusActive),
			{Email: "bad@", Status: member.StatusActive},
		})
		if err == nil {
			t.Fatal("invalid member accepted")
		}
		all, _ := s.ListMembers(ctx)
		if len(all) != 0 {
			t.Fatalf("a failed import left %d members", len(all))
		}
	})
}

func TestEligibleMembersStreamsActiveTiersUnsuppressed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, _, err := s.UpsertMembers(ctx, []member.Member{
			mem("a@example.org", "print", member.StatusActive),
			mem("b@example.org", "web", member.StatusActive),
			mem("c@example.org", "print", member.StatusPaused),
			mem("d@example.org", "print", member.StatusActive),
			mem("e@example.org", "comp", member.StatusActive),
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.Suppress(ctx, "D@example.org", "550 5.1.1 no such user", time.Now()); err != nil {
			t.Fatal(err)
		}
		emails := func(a delivery.Audience) []string {
			var out []string
			for m, err := range s.EligibleMembers(ctx, a) {
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, m.Email)
			}
			return out
		}
		if got, want := emails(delivery.Audience{}), []string{"a@example.org", "b@example.org", "e@example.org"}; !slices.Equal(got, want) {
			t.Errorf("all tiers: got %v, want %v", got, want)
		}
		if got, want := emails(delivery.Audience{Tiers: []string{"print", "comp"}}), []string{"a@example.org", "e@example.org"}; !slices.Equal(got, want) {
			t.Errorf("print+comp: got %v, want %v", got, want)
		}
		// Breaking out of the loop early must not leak the reader.
		for _, err := range s.EligibleMembers(ctx, delivery.Audience{}) {
			if err != nil {
				t.Fatal(err)
			}
			break
		}
		if _, err := s.ListMembers(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestLedgerLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, _, err := s.UpsertMembers(ctx, []member.Member{
			mem("a@example.org", "", member.StatusActive),
			mem("b@example.org", "", member.StatusActive),
			mem("c@example.org", "", member.StatusActive),
		}); err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
		n, err := s.EnsureDeliveries(ctx, "2026-W10", delivery.Audience{}, t0)
		if err != nil || n != 3 {
			t.Fatalf("ensure: %d, %v", n, err)
		}
		if n, err := s.EnsureDeliveries(ctx, "2026-W10", delivery.Audience{}, t0); err != nil || n != 0 {
			t.Fatalf("second ensure added %d (err %v), want 0", n, err)
		}
		msgID := func(m member.Member) string { return "id-" + m.Email }
		claim := func(owner string, n int, now time.Time) []delivery.Claim {
			t.Helper()
			cs, err := s.Claim(ctx, "2026-W10", owner, n, now, now.Add(time.Minute), msgID)
			if err != nil {
				t.Fatal(err)
			}
			return cs
		}
		record := func(owner string, now time.Time, outs ...delivery.Outcome) error {
			return s.Record(ctx, "2026-W10", owner, outs, now)
		}
		cs := claim("A", 2, t0)
		cs = append(cs, claim("A", 5, t0)...)
		if len(cs) != 3 || cs[0].MemberID == cs[1].MemberID || cs[1].MemberID == cs[2].MemberID {
			t.Fatalf("claims: %+v", cs)
		}
		a, b, c := cs[0], cs[1], cs[2]
		if a.MessageID != "id-a@example.org" || a.State != delivery.StateSending || a.Attempts != 1 || a.Member.Email != "a@example.org" {
			t.Errorf("claim a: %+v", a)
		}
		if x := claim("A", 5, t0); len(x) != 0 {
			t.Fatalf("claimed a fourth row: %+v", x)
		}
		if err := record("A", t0,
			delivery.Outcome{MemberID: a.MemberID, State: delivery.StateSent, Reply: "250 ok"},
			delivery.Outcome{MemberID: b.MemberID, State: delivery.StateFailedTemp, Reply: "451 later", Next: t0.Add(5 * time.Minute)},
		); err != nil {
			t.Fatal(err)
		}
		// a finished row cannot be recorded again
		if err := record("A", t0, delivery.Outcome{MemberID: a.MemberID, State: delivery.StateSent}); !errors.Is(err, delivery.ErrLeaseLost) {
			t.Errorf("recording a sent row again: %v", err)
		}
		// c's lease (1 minute) has not ended, b is not due yet.
		if x := claim("B", 5, t0.Add(30*time.Second)); len(x) != 0 {
			t.Fatalf("claimed before due: %+v", x)
		}
		// After the lease, run B takes c over with the same Message-ID, and
		// A, whose lease ran out, can no longer record c.
		x := claim("B", 1, t0.Add(2*time.Minute))
		if len(x) != 1 || x[0].MemberID != c.MemberID || x[0].MessageID != c.MessageID || x[0].Attempts != 2 {
			t.Fatalf("expired lease reclaim: %+v", x)
		}
		if err := record("A", t0, delivery.Outcome{MemberID: c.MemberID, State: delivery.StateFailedPerm}); !errors.Is(err, delivery.ErrLeaseLost) {
			t.Errorf("stale owner recorded: %v", err)
		}
		if err := record("B", t0, delivery.Outcome{MemberID: c.MemberID, State: delivery.StateSent, Reply: "250 ok"}); err != nil {
			t.Fatal(err)
		}
		y := claim("B", 5, t0.Add(6*time.Minute))
		if len(y) != 1 || y[0].MemberID != b.MemberID || y[0].Attempts != 2 || !y[0].FirstTry.Equal(t0) {
			t.Fatalf("retry claim: %+v", y)
		}
		if err := record("B", t0, delivery.Outcome{MemberID: b.MemberID, State: delivery.StatePending}); err != nil {
			t.Fatal(err)
		}
		counts, err := s.Counts(ctx, "2026-W10")
		if err != nil {
			t.Fatal(err)
		}
		want := map[delivery.State]int{delivery.StateSent: 2, delivery.StatePending: 1}
		for _, st := range delivery.States() {
			if counts[st] != want[st] {
				t.Errorf("counts[%s] = %d, want %d (all %v)", st, counts[st], want[st], counts)
			}
		}
		ds, _ := s.Deliveries(ctx, "2026-W10")
		if ds[1].Attempts != 1 || ds[1].State != delivery.StatePending {
			t.Errorf("released row: %+v", ds[1])
		}
	})
}

func TestRecordSuppresses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, _, err := s.UpsertMembers(ctx, []member.Member{mem("gone@example.org", "", member.StatusActive)}); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if _, err := s.EnsureDeliveries(ctx, "W", delivery.Audience{}, now); err != nil {
			t.Fatal(err)
		}
		cs, err := s.Claim(ctx, "W", "o", 1, now, now.Add(time.Minute), func(member.Member) string { return "x" })
		if err != nil || len(cs) != 1 {
			t.Fatal(cs, err)
		}
		if err := s.Record(ctx, "W", "o", []delivery.Outcome{{MemberID: cs[0].MemberID, State: delivery.StateFailedPerm,
			Reply: "550 5.1.1 no such user", Suppress: "Gone@example.org"}}, now); err != nil {
			t.Fatal(err)
		}
		if sup, why, _ := s.Suppressed(ctx, "gone@EXAMPLE.org"); !sup || why != "550 5.1.1 no such user" {
			t.Errorf("suppressed %v %q", sup, why)
		}
		fs, err := s.Failures(ctx, "W")
		if err != nil || len(fs) != 1 || fs[0].Email != "gone@example.org" || fs[0].Reply != "550 5.1.1 no such user" {
			t.Errorf("failures %+v %v", fs, err)
		}
	})
}

func TestClaimSkipsMembersWhoLeft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, _, err := s.UpsertMembers(ctx, []member.Member{
			mem("a@example.org", "", member.StatusActive),
			mem("b@example.org", "", member.StatusActive),
			mem("c@example.org", "", member.StatusActive),
		}); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if _, err := s.EnsureDeliveries(ctx, "W", delivery.Audience{}, now); err != nil {
			t.Fatal(err)
		}
		a, err := s.MemberByEmail(ctx, "A@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetStatus(ctx, a.ID, member.StatusUnsubscribed); err != nil {
			t.Fatal(err)
		}
		if err := s.Suppress(ctx, "c@example.org", "complaint", now); err != nil {
			t.Fatal(err)
		}
		cs, err := s.Claim(ctx, "W", "o", 5, now, now.Add(time.Minute), func(member.Member) string { return "x" })
		if err != nil || len(cs) != 1 || cs[0].Member.Email != "b@example.org" {
			t.Fatalf("claim: %+v %v", cs, err)
		}
		counts, _ := s.Counts(ctx, "W")
		if counts[delivery.StateSkipped] != 2 {
			t.Errorf("skipped = %d, want 2", counts[delivery.StateSkipped])
		}
	})
}

func TestClaimRunOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now()
		ok, err := s.ClaimRunLease(ctx, "2026-W10", "a", now, now.Add(time.Hour))
		if err != nil || !ok {
			t.Fatalf("first claim: %v %v", ok, err)
		}
		ok, err = s.ClaimRunLease(ctx, "2026-W10", "b", now.Add(time.Minute), now.Add(time.Hour))
		if err != nil || ok {
			t.Fatalf("second claim while the lease is live: %v %v", ok, err)
		}
		if held, err := s.RenewRun(ctx, "2026-W10", "b", now.Add(2*time.Hour)); err != nil || held {
			t.Fatalf("renewed by a non-owner: %v %v", held, err)
		}
		if held, err := s.RenewRun(ctx, "2026-W10", "a", now.Add(2*time.Hour)); err != nil || !held {
			t.Fatalf("owner's renewal: %v %v", held, err)
		}
		ok, err = s.ClaimRunLease(ctx, "2026-W10", "b", now.Add(3*time.Hour), now.Add(4*time.Hour))
		if err != nil || !ok {
			t.Fatalf("take-over after the lease ran out: %v %v", ok, err)
		}
		started, finished, err := s.RunState(ctx, "2026-W10")
		if err != nil || !started || finished {
			t.Fatalf("state: %v %v %v", started, finished, err)
		}
		if err := s.FinishRun(ctx, "2026-W10", now); err != nil {
			t.Fatal(err)
		}
		if _, finished, _ := s.RunState(ctx, "2026-W10"); !finished {
			t.Error("run not finished")
		}
		if ok, _ := s.ClaimRunLease(ctx, "2026-W10", "c", now.Add(9*time.Hour), now.Add(10*time.Hour)); ok {
			t.Error("claimed a finished run")
		}
		if started, _, _ := s.RunState(ctx, "2026-W11"); started {
			t.Error("unknown week reported started")
		}
	})
}

func TestReopenKeepsData(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) { testReopenKeepsData(t, storetest.Target(t, engine)) })
	}
}

func testReopenKeepsData(t *testing.T, path string) {
	ctx := context.Background()
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.UpsertMembers(ctx, []member.Member{mem("a@example.org", "", member.StatusActive)}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordIssue(ctx, store.Issue{Week: "2026-W10", BuiltAt: time.Now(), PDFPath: "/x.pdf"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = store.Open(ctx, path) // migrations already applied: no error
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all, _ := s.ListMembers(ctx)
	iss, _ := s.Issues(ctx)
	if len(all) != 1 || len(iss) != 1 || iss[0].PDFPath != "/x.pdf" {
		t.Fatalf("after reopen: %v %v", all, iss)
	}
}

// TestClaimInOutcomeBatch: rows claimed inside a batch of outcomes are
// the worker's only once the batch commits, and never include a row
// whose outcome the batch already holds (even with its lease run out);
// a batch rolled back leaves them due.
func TestClaimInOutcomeBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		addMembers(t, s, 6, "")
		now := time.Now()
		if _, err := s.EnsureDeliveries(ctx, "W", delivery.Audience{}, now); err != nil {
			t.Fatal(err)
		}
		id := func(m member.Member) string { return fmt.Sprintf("id-%d", m.ID) }
		// A lease that has run out by the time of the batch: the sent row is
		// due again by its lease alone, and must not be claimed.
		first, err := s.Claim(ctx, "W", "o", 2, now, now.Add(time.Second), id)
		if err != nil || len(first) != 2 {
			t.Fatal(first, err)
		}
		later := now.Add(time.Minute)

		claim := func(commit bool) []delivery.Claim {
			t.Helper()
			b, err := s.BeginOutcomes(ctx, "W", "o", later)
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Add([]delivery.Outcome{{MemberID: first[0].MemberID, State: delivery.StateSent, Reply: "250 ok"}}); err != nil {
				t.Fatal(err)
			}
			cs, err := b.Claim(10, later.Add(time.Minute), id)
			if err != nil {
				t.Fatal(err)
			}
			if commit {
				if err := b.Commit(); err != nil {
					t.Fatal(err)
				}
			} else {
				b.Rollback()
			}
			return cs
		}
		if cs := claim(false); len(cs) != 5 {
			t.Fatalf("claimed %d rows, want 5 (all but the one just sent)", len(cs))
		}
		if counts, _ := s.Counts(ctx, "W"); counts[delivery.StatePending] != 4 || counts[delivery.StateSending] != 2 {
			t.Fatalf("after rollback: %v, want the first claim's 2 sending and 4 pending", counts)
		}
		cs := claim(true)
		if len(cs) != 5 {
			t.Fatalf("claimed %d rows, want 5", len(cs))
		}
		for _, c := range cs {
			if c.MemberID == first[0].MemberID || c.MessageID != id(c.Member) || !c.NextAttempt.Equal(later.Add(time.Minute)) {
				t.Errorf("claim %+v", c)
			}
		}
		counts, _ := s.Counts(ctx, "W")
		if counts[delivery.StateSent] != 1 || counts[delivery.StateSending] != 5 {
			t.Fatalf("after commit: %v, want 1 sent and 5 sending", counts)
		}
	})
}
