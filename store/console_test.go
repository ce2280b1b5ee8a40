package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/editor"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

var t0 = time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)

func TestEditorsAndSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		id, err := s.AddEditor(ctx, editor.Editor{Email: "Ann@Example.org", Role: editor.RoleAdmin, Password: "$2a$hash", Created: t0})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddEditor(ctx, editor.Editor{Email: "ann@example.ORG", Role: editor.RoleEditor, Password: "x", Created: t0}); !errors.Is(err, editor.ErrExists) {
			t.Errorf("second account for one address: %v", err)
		}
		e, err := s.EditorByEmail(ctx, "ANN@example.org")
		if err != nil || e.ID != id || e.Role != editor.RoleAdmin || e.Email != "Ann@Example.org" || !e.Created.Equal(t0) {
			t.Fatalf("editor %+v %v", e, err)
		}
		se := editor.Session{ID: editor.SessionID("tok"), Editor: e, CSRF: "csrf", Created: t0, Expires: t0.Add(time.Hour)}
		if err := s.CreateSession(ctx, se); err != nil {
			t.Fatal(err)
		}
		got, err := s.Session(ctx, se.ID, t0.Add(time.Minute))
		if err != nil || got.Editor.Email != e.Email || got.CSRF != "csrf" || got.Editor.Role != editor.RoleAdmin {
			t.Fatalf("session %+v %v", got, err)
		}
		if _, err := s.Session(ctx, se.ID, t0.Add(2*time.Hour)); !errors.Is(err, editor.ErrNoEditor) {
			t.Errorf("expired session: %v", err)
		}
		if err := s.DeleteSession(ctx, se.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, se.ID, t0); !errors.Is(err, editor.ErrNoEditor) {
			t.Errorf("session after logout: %v", err)
		}
		// Removing an account ends its sessions.
		if err := s.CreateSession(ctx, editor.Session{ID: "s2", Editor: e, CSRF: "c", Created: t0, Expires: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveEditor(ctx, "ann@example.org"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, "s2", t0); !errors.Is(err, editor.ErrNoEditor) {
			t.Errorf("session of a removed editor: %v", err)
		}
		if err := s.RemoveEditor(ctx, "ann@example.org"); !errors.Is(err, editor.ErrNoEditor) {
			t.Errorf("removing twice: %v", err)
		}
		if list, err := s.Editors(ctx); err != nil || len(list) != 0 {
			t.Errorf("editors after removal: %v %v", list, err)
		}
	})
}

func TestThrottleAuditPlansHolds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := editor.Attempts{Failures: 3, WindowStart: t0, LockedUntil: t0.Add(time.Minute)}
		if err := s.SetLoginAttempts(ctx, "account:a", a); err != nil {
			t.Fatal(err)
		}
		if got, err := s.LoginAttempts(ctx, "account:a"); err != nil || got != a {
			t.Errorf("attempts %+v %v", got, err)
		}
		if err := s.SetLoginAttempts(ctx, "account:a", editor.Attempts{}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.LoginAttempts(ctx, "account:a"); got.Failures != 0 {
			t.Errorf("forgotten attempts: %+v", got)
		}

		for i, act := range []string{editor.ActionBuild, editor.ActionSend} {
			if err := s.Audit(ctx, editor.Entry{At: t0.Add(time.Duration(i) * time.Minute), Editor: "ann@example.org", Action: act, Target: "2026-W10"}); err != nil {
				t.Fatal(err)
			}
		}
		log, err := s.AuditLog(ctx, 10)
		if err != nil || len(log) != 2 || log[0].Action != editor.ActionSend || log[1].Editor != "ann@example.org" {
			t.Errorf("audit log %+v %v", log, err)
		}

		plan := editor.Plan{Week: "2026-W10", At: t0.Add(time.Hour), Editor: "ann@example.org", Created: t0}
		if err := s.ScheduleSend(ctx, plan); err != nil {
			t.Fatal(err)
		}
		if won, err := s.StartDuePlan(ctx, "2026-W10", t0); err != nil || won {
			t.Errorf("started before it was due: %v %v", won, err)
		}
		if err := s.CancelSend(ctx, "2026-W10"); err != nil {
			t.Fatal(err)
		}
		if won, _ := s.StartDuePlan(ctx, "2026-W10", t0.Add(2*time.Hour)); won {
			t.Error("a cancelled send started")
		}
		if err := s.ScheduleSend(ctx, plan); err != nil {
			t.Fatal(err)
		}
		if ps, _ := s.Plans(ctx); len(ps) != 1 || !ps[0].At.Equal(plan.At) {
			t.Errorf("plans %+v", ps)
		}
		won1, err1 := s.StartDuePlan(ctx, "2026-W10", t0.Add(2*time.Hour))
		won2, err2 := s.StartDuePlan(ctx, "2026-W10", t0.Add(2*time.Hour))
		if err1 != nil || err2 != nil || !won1 || won2 {
			t.Errorf("start due plan twice: %v %v, %v %v", won1, err1, won2, err2)
		}
		if err := s.CancelSend(ctx, "2026-W10"); !errors.Is(err, store.ErrPlanStarted) {
			t.Errorf("cancel after the start: %v", err)
		}
		if err := s.ScheduleSend(ctx, plan); !errors.Is(err, store.ErrPlanStarted) {
			t.Errorf("reschedule after the start: %v", err)
		}

		if held, _, _ := s.Held(ctx, "2026-W10"); held {
			t.Error("held before any pause")
		}
		if err := s.Hold(ctx, "2026-W10", "ann@example.org", t0); err != nil {
			t.Fatal(err)
		}
		if held, by, err := s.Held(ctx, "2026-W10"); !held || by != "ann@example.org" || err != nil {
			t.Errorf("held %v %q %v", held, by, err)
		}
		if err := s.Unhold(ctx, "2026-W10"); err != nil {
			t.Fatal(err)
		}
		if held, _, _ := s.Held(ctx, "2026-W10"); held {
			t.Error("held after unhold")
		}
	})
}

func TestSearchRetryAndStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, _, err := s.UpsertMembers(ctx, []member.Member{
			{Email: "zoe.lindqvist@example.net", Name: "Zoë Lindqvist", Status: member.StatusActive},
			{Email: "ann@example.org", Name: "Ann Lee", Status: member.StatusActive},
			{Email: "lee@example.org", Name: "Bo Lee", Status: member.StatusActive},
			{Email: "l_x@example.org", Name: "Percent 100%", Status: member.StatusActive},
		}); err != nil {
			t.Fatal(err)
		}
		search := func(q string) string {
			t.Helper()
			ms, err := s.SearchMembers(ctx, q, 10)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, m := range ms {
				out = append(out, m.Email)
			}
			return strings.Join(out, ",")
		}
		for q, want := range map[string]string{
			"ANN":   "ann@example.org",
			"le":    "lee@example.org",
			"ann l": "ann@example.org",
			"zoe":   "zoe.lindqvist@example.net",
			"l_":    "l_x@example.org",
			"l%":    "",
			"x":     "",
			"":      "ann@example.org,l_x@example.org,lee@example.org,zoe.lindqvist@example.net",
		} {
			if got := search(q); got != want {
				t.Errorf("search %q = %q, want %q", q, got, want)
			}
		}
		counts, err := s.CountMembers(ctx)
		if err != nil || counts[member.StatusActive] != 4 {
			t.Errorf("count members %v %v", counts, err)
		}

		if _, err := s.EnsureDeliveries(ctx, "2026-W10", delivery.Audience{}, t0); err != nil {
			t.Fatal(err)
		}
		cs, err := s.Claim(ctx, "2026-W10", "A", 4, t0, t0.Add(time.Minute), func(m member.Member) string { return "id-" + m.Email })
		if err != nil || len(cs) != 4 {
			t.Fatalf("claim %d %v", len(cs), err)
		}
		outs := []delivery.Outcome{
			{MemberID: cs[0].MemberID, State: delivery.StateSent, Reply: "250 ok"},
			{MemberID: cs[1].MemberID, State: delivery.StateSent, Reply: "250 ok"},
			{MemberID: cs[2].MemberID, State: delivery.StateFailedPerm, Reply: "550 5.1.1 no such user"},
			{MemberID: cs[3].MemberID, State: delivery.StateFailedTemp, Reply: "451 later", Next: t0.Add(time.Hour)},
		}
		if err := s.Record(ctx, "2026-W10", "A", outs, t0); err != nil {
			t.Fatal(err)
		}
		if fs, err := s.FirstFailures(ctx, "2026-W10", 1); err != nil || len(fs) != 1 || fs[0].Email == "" || fs[0].Reply == "" {
			t.Errorf("first failure %+v %v", fs, err)
		}
		if fs, err := s.FirstFailures(ctx, "2026-W10", 10); err != nil || len(fs) != 2 {
			t.Errorf("first failures %+v %v, want the 2", fs, err)
		}
		if ds, err := s.MemberDeliveries(ctx, cs[2].MemberID, 10); err != nil || len(ds) != 1 || ds[0].State != delivery.StateFailedPerm {
			t.Errorf("member deliveries %+v %v", ds, err)
		}
		// A complaint about the issue a day after it went out.
		life := &member.Lifecycle{Store: s, Now: func() time.Time { return t0.Add(24 * time.Hour) }}
		if _, err := life.Leave(ctx, member.Ref{ID: cs[0].MemberID}, member.ReasonComplaint, member.Change{Why: "complaint (abuse)", Source: "arf"}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordIssue(ctx, store.Issue{Week: "2026-W10", BuiltAt: t0}); err != nil {
			t.Fatal(err)
		}
		if stale, err := s.StaleIssueStats(ctx, t0, t0.Add(-time.Hour)); err != nil || strings.Join(stale, ",") != "2026-W10" {
			t.Errorf("stale %v %v", stale, err)
		}
		st, err := s.RefreshIssueStats(ctx, "2026-W10", t0.Add(25*time.Hour))
		if err != nil || st.Total != 4 || st.Sent != 2 || st.Failed != 1 || st.Bounces != 1 || st.Complaints != 1 {
			t.Fatalf("stats %+v %v", st, err)
		}
		if st.ComplaintRate() != 0.5 {
			t.Errorf("complaint rate %v", st.ComplaintRate())
		}
		all, err := s.AllIssueStats(ctx, 10)
		if err != nil || len(all) != 1 || all[0].Complaints != 1 {
			t.Errorf("all stats %+v %v", all, err)
		}
		n, err := s.RetryFailed(ctx, "2026-W10", t0.Add(2*time.Hour))
		if err != nil || n != 2 {
			t.Fatalf("retry failed: %d %v", n, err)
		}
		counts2, _ := s.Counts(ctx, "2026-W10")
		if counts2[delivery.StatePending] != 2 || counts2[delivery.StateFailedPerm] != 0 {
			t.Errorf("after retry %v", counts2)
		}
		if again, _ := s.Claim(ctx, "2026-W10", "B", 4, t0.Add(2*time.Hour), t0.Add(3*time.Hour), func(m member.Member) string { return "id-" + m.Email }); len(again) != 2 {
			t.Errorf("retried rows claimed: %d, want 2", len(again))
		}
	})
}

// TestCountAudience counts the same before a send (the quick path) and
// after part of it (the ledger's), with tiers and suppressions.
func TestCountAudience(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ms := []member.Member{
			{Email: "a@example.org", Tier: "print", Status: member.StatusActive},
			{Email: "b@example.org", Tier: "print", Status: member.StatusActive},
			{Email: "c@example.org", Tier: "digital", Status: member.StatusActive},
			{Email: "d@example.org", Tier: "print", Status: member.StatusPaused},
			{Email: "e@example.org", Tier: "print", Status: member.StatusActive},
		}
		if _, _, err := s.UpsertMembers(ctx, ms); err != nil {
			t.Fatal(err)
		}
		if err := s.Suppress(ctx, "e@example.org", "manual", t0); err != nil {
			t.Fatal(err)
		}
		count := func(a delivery.Audience) int {
			t.Helper()
			n, err := s.CountAudience(ctx, "2026-W10", a)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(delivery.Audience{}); n != 3 {
			t.Errorf("before the send: %d, want 3 (a, b, c)", n)
		}
		if n := count(delivery.Audience{Tiers: []string{"print"}}); n != 2 {
			t.Errorf("print before the send: %d, want 2", n)
		}
		if _, err := s.EnsureDeliveries(ctx, "2026-W10", delivery.Audience{}, t0); err != nil {
			t.Fatal(err)
		}
		cs, _ := s.Claim(ctx, "2026-W10", "A", 1, t0, t0.Add(time.Minute), func(m member.Member) string { return "id" })
		if err := s.Record(ctx, "2026-W10", "A", []delivery.Outcome{{MemberID: cs[0].MemberID, State: delivery.StateSent}}, t0); err != nil {
			t.Fatal(err)
		}
		if n := count(delivery.Audience{}); n != 2 {
			t.Errorf("after one was sent: %d, want 2", n)
		}
	})
}
