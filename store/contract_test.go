package store_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/editor"
	"github.com/foliopress/folio/internal/inbound"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

// The contract tests below cover the store methods the other files'
// tests reach only through other packages: inbound's kept records and
// ledger lookup, the export, the members API's pages, send plans and
// holds, the kept issue figures and the runs list.

// TestInboundKeptAndLedgerMessage: a kept message is stored once per key,
// listed newest first with or without its bytes; a Message-ID finds its
// ledger row, and a foreign or malformed one finds nothing.
func TestInboundKeptAndLedgerMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t0 := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
		for i, key := range []string{"k1", "k2"} {
			k := inbound.Kept{Key: key, At: t0.Add(time.Duration(i) * time.Minute), Source: "listener", Kind: inbound.KindBounce,
				Reason: "no member", Size: 5, Raw: []byte("raw " + key)}
			if err := s.Keep(ctx, k); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Keep(ctx, inbound.Kept{Key: "k1", At: t0, Kind: inbound.KindBounce}); !errors.Is(err, member.ErrDone) {
			t.Errorf("keeping k1 twice: %v, want member.ErrDone", err)
		}
		kept, err := s.KeptMessages(ctx, 10, true)
		if err != nil || len(kept) != 2 || kept[0].Key != "k2" || string(kept[0].Raw) != "raw k2" ||
			!kept[1].At.Equal(t0) || kept[1].Kind != inbound.KindBounce || kept[1].Size != 5 || kept[1].Source != "listener" {
			t.Fatalf("kept %+v %v", kept, err)
		}
		if kept, _ := s.KeptMessages(ctx, 1, false); len(kept) != 1 || kept[0].Raw != nil {
			t.Errorf("kept without raw, limit 1: %+v", kept)
		}

		addMembers(t, s, 2, "")
		if _, err := s.EnsureDeliveries(ctx, "2026-W10", delivery.Audience{}, t0); err != nil {
			t.Fatal(err)
		}
		cs, err := s.Claim(ctx, "2026-W10", "o", 2, t0, t0.Add(time.Minute), func(m member.Member) string {
			return "2026-W10." + itoa(m.ID) + ".abc@news.example.org"
		})
		if err != nil || len(cs) != 2 {
			t.Fatalf("claim %+v %v", cs, err)
		}
		issue, id, ok, err := s.LedgerMessage(ctx, " <"+cs[1].MessageID+"> ")
		if err != nil || !ok || issue != "2026-W10" || id != cs[1].MemberID {
			t.Errorf("ledger message: %q %d %v %v", issue, id, ok, err)
		}
		for _, bad := range []string{"", "nothing", "2026-W10.x.abc@news.example.org", "2026-W10." + itoa(cs[0].MemberID) + ".other@news.example.org"} {
			if _, _, ok, err := s.LedgerMessage(ctx, bad); ok || err != nil {
				t.Errorf("ledger message %q found a row (err %v)", bad, err)
			}
		}
	})
}

// TestExportAndSuppressionOf: the export streams members in id order
// with their suppressions, then suppressed addresses of no member.
func TestExportAndSuppressionOf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		life, s, byName := lifecycle(t, s)
		if _, err := life.Leave(ctx, member.Ref{ID: byName["ann"].ID}, member.ReasonBounce, member.Change{Why: "550 5.1.1", Source: "dsn"}); err != nil {
			t.Fatal(err)
		}
		if err := s.Suppress(ctx, "Stranger@Example.net", "manual", time.Now()); err != nil {
			t.Fatal(err)
		}
		var got []string
		for r, err := range s.Export(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, r.Member.Email+"|"+string(r.Member.Status)+"|"+string(r.Suppression.Reason)+"|"+itoa(r.Member.ID))
		}
		want := []string{
			"ann@example.org|bounced|bounce|" + itoa(byName["ann"].ID),
			"pat@example.org|paused||" + itoa(byName["pat"].ID),
			"uma@example.org|unsubscribed|unsubscribe|" + itoa(byName["uma"].ID),
			"Stranger@Example.net||bounce|0", // Suppress's kind is a bounce
		}
		if !slices.Equal(got, want) {
			t.Errorf("export\n got %q\nwant %q", got, want)
		}
		sp, ok, err := s.SuppressionOf(ctx, "ANN@example.org")
		if err != nil || !ok || sp.Reason != member.ReasonBounce || sp.Detail != "550 5.1.1" || sp.Source != "dsn" || sp.At.IsZero() {
			t.Errorf("suppression of ann: %+v %v %v", sp, ok, err)
		}
		if _, ok, err := s.SuppressionOf(ctx, "pat@example.org"); ok || err != nil {
			t.Errorf("pat suppressed: %v %v", ok, err)
		}
	})
}

// TestMembersAfterPages: pages in id order, filtered by status.
func TestMembersAfterPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, s, byName := lifecycle(t, s)
		page := func(after int64, limit int, st member.Status) []string {
			t.Helper()
			ms, err := s.MembersAfter(ctx, after, limit, st)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, m := range ms {
				out = append(out, m.Email)
			}
			return out
		}
		if got := page(0, 2, ""); !slices.Equal(got, []string{"ann@example.org", "pat@example.org"}) {
			t.Errorf("first page %v", got)
		}
		if got := page(byName["pat"].ID, 2, ""); !slices.Equal(got, []string{"uma@example.org"}) {
			t.Errorf("second page %v", got)
		}
		if got := page(0, 10, member.StatusPaused); !slices.Equal(got, []string{"pat@example.org"}) {
			t.Errorf("paused %v", got)
		}
	})
}

// TestPlanAndHolds: a plan reads back until it starts, after which it
// cannot be replaced; holds list every paused week.
func TestPlanAndHolds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t0 := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
		if _, ok, err := s.Plan(ctx, "2026-W10"); ok || err != nil {
			t.Fatalf("plan before scheduling: %v %v", ok, err)
		}
		p := editor.Plan{Week: "2026-W10", At: t0.Add(time.Hour), Editor: "ann@example.org", Created: t0}
		if err := s.ScheduleSend(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.Plan(ctx, "2026-W10")
		if err != nil || !ok || got.State != "scheduled" || !got.At.Equal(p.At) || got.Editor != p.Editor || !got.Created.Equal(t0) {
			t.Fatalf("plan %+v %v %v", got, ok, err)
		}
		if won, err := s.StartDuePlan(ctx, "2026-W10", t0.Add(time.Hour)); err != nil || !won {
			t.Fatalf("start due plan: %v %v", won, err)
		}
		if err := s.ScheduleSend(ctx, p); !errors.Is(err, store.ErrPlanStarted) {
			t.Errorf("rescheduling a started send: %v", err)
		}
		if got, _, _ := s.Plan(ctx, "2026-W10"); got.State != "started" {
			t.Errorf("plan after start %+v", got)
		}
		for _, w := range []string{"2026-W10", "2026-W11"} {
			if err := s.Hold(ctx, w, "bo@example.org", t0); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Unhold(ctx, "2026-W11"); err != nil {
			t.Fatal(err)
		}
		holds, err := s.Holds(ctx)
		if err != nil || len(holds) != 1 || holds["2026-W10"] != "bo@example.org" {
			t.Errorf("holds %v %v", holds, err)
		}
	})
}

// TestIssueStatsKeptAndLastRuns: refreshed figures are kept and read back
// (and survive a prune of the ledger); runs list newest first.
func TestIssueStatsKeptAndLastRuns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t0 := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
		if _, ok, err := s.IssueStatsOf(ctx, "2026-W10"); ok || err != nil {
			t.Fatalf("stats before any: %v %v", ok, err)
		}
		addMembers(t, s, 3, "")
		if _, err := s.EnsureDeliveries(ctx, "2026-W10", delivery.Audience{}, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RefreshIssueStats(ctx, "2026-W10", t0); err != nil {
			t.Fatal(err)
		}
		st, ok, err := s.IssueStatsOf(ctx, "2026-W10")
		if err != nil || !ok || st.Total != 3 || st.Pending != 3 || !st.Computed.Equal(t0) {
			t.Errorf("kept stats %+v %v %v", st, ok, err)
		}
		for _, w := range []string{"2026-W09", "2026-W11", "2026-W10"} {
			if _, err := s.ClaimRunLease(ctx, w, "o", t0, t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.FinishRun(ctx, "2026-W10", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		runs, err := s.LastRuns(ctx, 2)
		if err != nil || len(runs) != 2 || runs[0].Week != "2026-W11" || !runs[0].Finished.IsZero() ||
			runs[1].Week != "2026-W10" || !runs[1].Finished.Equal(t0.Add(time.Minute)) || !runs[1].Started.Equal(t0) {
			t.Errorf("last runs %+v %v", runs, err)
		}
		if e := s.Engine(); !strings.HasSuffix(t.Name(), "/"+e) {
			t.Errorf("engine %q in %s", e, t.Name())
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
