package store_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"folio.example/folio/mailer"
	"folio.example/folio/store"
)

func open(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func member(email, tier string, st mailer.Status) mailer.Member {
	return mailer.Member{Email: email, Name: "N " + email, Tier: tier, Status: st}
}

func TestUpsertMembersUpdatesByEmailIgnoringCase(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	added, updated, err := s.UpsertMembers(ctx, []mailer.Member{
		member("ann@example.org", "print", mailer.StatusActive),
		member("bob@example.org", "web", mailer.StatusPaused),
	})
	if err != nil || added != 2 || updated != 0 {
		t.Fatalf("first import: added %d updated %d err %v", added, updated, err)
	}
	added, updated, err = s.UpsertMembers(ctx, []mailer.Member{
		{Email: "ANN@Example.org", Name: "Ann Again", Tier: "web", Status: mailer.StatusUnsubscribed, DeliverPDF: "link"},
		member("cy@example.org", "", mailer.StatusActive),
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
	if ann.Name != "Ann Again" || ann.Tier != "web" || ann.Status != mailer.StatusUnsubscribed || ann.DeliverPDF != "link" || ann.Email != "ANN@Example.org" {
		t.Errorf("ann not updated: %+v", ann)
	}
}

func TestUpsertMembersIsOneTransaction(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	_, _, err := s.UpsertMembers(ctx, []mailer.Member{
		member("ok@example.org", "", mailer.StatusActive),
		{Email: "bad@", Status: mailer.StatusActive},
	})
	if err == nil {
		t.Fatal("invalid member accepted")
	}
	all, _ := s.ListMembers(ctx)
	if len(all) != 0 {
		t.Fatalf("a failed import left %d members", len(all))
	}
}

func TestEligibleMembersStreamsActiveTiersUnsuppressed(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if _, _, err := s.UpsertMembers(ctx, []mailer.Member{
		member("a@example.org", "print", mailer.StatusActive),
		member("b@example.org", "web", mailer.StatusActive),
		member("c@example.org", "print", mailer.StatusPaused),
		member("d@example.org", "print", mailer.StatusActive),
		member("e@example.org", "comp", mailer.StatusActive),
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Suppress(ctx, "D@example.org", "550 5.1.1 no such user", time.Now()); err != nil {
		t.Fatal(err)
	}
	emails := func(a mailer.Audience) []string {
		var out []string
		for m, err := range s.EligibleMembers(ctx, a) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, m.Email)
		}
		return out
	}
	if got, want := emails(mailer.Audience{}), []string{"a@example.org", "b@example.org", "e@example.org"}; !slices.Equal(got, want) {
		t.Errorf("all tiers: got %v, want %v", got, want)
	}
	if got, want := emails(mailer.Audience{Tiers: []string{"print", "comp"}}), []string{"a@example.org", "e@example.org"}; !slices.Equal(got, want) {
		t.Errorf("print+comp: got %v, want %v", got, want)
	}
	// Breaking out of the loop early must not leak the reader.
	for range s.EligibleMembers(ctx, mailer.Audience{}) {
		break
	}
	if _, err := s.ListMembers(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestLedgerLifecycle(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if _, _, err := s.UpsertMembers(ctx, []mailer.Member{
		member("a@example.org", "", mailer.StatusActive),
		member("b@example.org", "", mailer.StatusActive),
		member("c@example.org", "", mailer.StatusActive),
	}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
	n, err := s.EnsureDeliveries(ctx, "2026-W10", mailer.Audience{}, t0)
	if err != nil || n != 3 {
		t.Fatalf("ensure: %d, %v", n, err)
	}
	if n, err := s.EnsureDeliveries(ctx, "2026-W10", mailer.Audience{}, t0); err != nil || n != 0 {
		t.Fatalf("second ensure added %d (err %v), want 0", n, err)
	}
	msgID := func(m mailer.Member) string { return "id-" + m.Email }
	claim := func(now time.Time) *mailer.Claim {
		t.Helper()
		c, err := s.ClaimNext(ctx, "2026-W10", now, now.Add(time.Minute), msgID)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a, b, c := claim(t0), claim(t0), claim(t0)
	if a == nil || b == nil || c == nil || a.MemberID == b.MemberID || b.MemberID == c.MemberID {
		t.Fatalf("claims: %+v %+v %+v", a, b, c)
	}
	if a.MessageID != "id-a@example.org" || a.State != mailer.StateSending || a.Attempts != 1 {
		t.Errorf("claim a: %+v", a)
	}
	if x := claim(t0); x != nil {
		t.Fatalf("claimed a fourth row: %+v", x)
	}
	if err := s.MarkSent(ctx, "2026-W10", a.MemberID, "250 ok", t0); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(ctx, "2026-W10", b.MemberID, mailer.StateFailedTemp, "451 later", t0.Add(5*time.Minute), t0); err != nil {
		t.Fatal(err)
	}
	// a sent row cannot be marked again
	if err := s.MarkSent(ctx, "2026-W10", a.MemberID, "250 again", t0); err == nil {
		t.Error("marking a sent row sent again succeeded")
	}
	// c's lease (1 minute) has not ended, b is not due yet.
	if x := claim(t0.Add(30 * time.Second)); x != nil {
		t.Fatalf("claimed before due: %+v", x)
	}
	// After the lease, c comes back first with the same Message-ID.
	x := claim(t0.Add(2 * time.Minute))
	if x == nil || x.MemberID != c.MemberID || x.MessageID != c.MessageID || x.Attempts != 2 {
		t.Fatalf("expired lease reclaim: %+v", x)
	}
	if err := s.MarkSent(ctx, "2026-W10", x.MemberID, "250 ok", t0); err != nil {
		t.Fatal(err)
	}
	y := claim(t0.Add(6 * time.Minute))
	if y == nil || y.MemberID != b.MemberID || y.Attempts != 2 || !y.FirstTry.Equal(t0) {
		t.Fatalf("retry claim: %+v", y)
	}
	if err := s.Release(ctx, "2026-W10", y.MemberID, t0); err != nil {
		t.Fatal(err)
	}
	counts, err := s.Counts(ctx, "2026-W10")
	if err != nil {
		t.Fatal(err)
	}
	want := map[mailer.State]int{mailer.StateSent: 2, mailer.StatePending: 1}
	for _, st := range mailer.States() {
		if counts[st] != want[st] {
			t.Errorf("counts[%s] = %d, want %d (all %v)", st, counts[st], want[st], counts)
		}
	}
}

func TestClaimSkipsMembersWhoLeft(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if _, _, err := s.UpsertMembers(ctx, []mailer.Member{
		member("a@example.org", "", mailer.StatusActive),
		member("b@example.org", "", mailer.StatusActive),
	}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, err := s.EnsureDeliveries(ctx, "W", mailer.Audience{}, now); err != nil {
		t.Fatal(err)
	}
	a, err := s.MemberByEmail(ctx, "A@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetStatus(ctx, a.ID, mailer.StatusUnsubscribed); err != nil {
		t.Fatal(err)
	}
	c, err := s.ClaimNext(ctx, "W", now, now.Add(time.Minute), func(mailer.Member) string { return "x" })
	if err != nil || c == nil || c.Member.Email != "b@example.org" {
		t.Fatalf("claim: %+v %v", c, err)
	}
	counts, _ := s.Counts(ctx, "W")
	if counts[mailer.StateSkipped] != 1 {
		t.Errorf("skipped = %d, want 1", counts[mailer.StateSkipped])
	}
}

func TestClaimRunOnce(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	now := time.Now()
	ok, err := s.ClaimRun(ctx, "2026-W10", now)
	if err != nil || !ok {
		t.Fatalf("first claim: %v %v", ok, err)
	}
	ok, err = s.ClaimRun(ctx, "2026-W10", now.Add(time.Hour))
	if err != nil || ok {
		t.Fatalf("second claim: %v %v", ok, err)
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
	if started, _, _ := s.RunState(ctx, "2026-W11"); started {
		t.Error("unknown week reported started")
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "f.db")
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.UpsertMembers(ctx, []mailer.Member{member("a@example.org", "", mailer.StatusActive)}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordIssue(ctx, store.Issue{Week: "2026-W10", BuiltAt: time.Now(), PDFPath: "/x.pdf"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
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
