package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

// lifecycle is a Lifecycle over a fresh store with ann (active), pat
// (paused) and uma (unsubscribed), and a fixed clock.
func lifecycle(t *testing.T, s *store.Store) (*member.Lifecycle, *store.Store, map[string]member.Member) {
	t.Helper()
	ctx := context.Background()
	if _, _, err := s.UpsertMembers(ctx, []member.Member{
		mem("ann@example.org", "print", member.StatusActive),
		mem("pat@example.org", "print", member.StatusPaused),
		mem("uma@example.org", "print", member.StatusUnsubscribed),
	}); err != nil {
		t.Fatal(err)
	}
	byEmail := map[string]member.Member{}
	all, err := s.ListMembers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		byEmail[strings.Split(m.Email, "@")[0]] = m
	}
	now := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
	return &member.Lifecycle{Store: s, SoftLimit: 2, Now: func() time.Time { return now }}, s, byEmail
}

// history renders a member's events as "what from>to why [source]".
func history(t *testing.T, s *store.Store, id int64) []string {
	t.Helper()
	evs, err := s.History(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		if e.At.IsZero() {
			t.Errorf("event %+v has no time", e)
		}
		out = append(out, fmt.Sprintf("%s %s>%s %s [%s]", e.What, e.From, e.To, e.Why, e.Source))
	}
	return out
}

func suppressed(t *testing.T, s *store.Store, email string) member.Suppression {
	t.Helper()
	for sp, err := range s.Suppressions(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if strings.EqualFold(sp.Email, email) {
			return sp
		}
	}
	return member.Suppression{}
}

func eqStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

func TestLeaveRecordsSuppressionAndHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		lc, _, m := lifecycle(t, s)
		out, err := lc.Leave(ctx, member.Ref{ID: m["ann"].ID}, member.ReasonUnsubscribe, member.Change{Why: "one-click unsubscribe", Source: "web"})
		if err != nil || !out.Changed || out.Member.Status != member.StatusUnsubscribed || out.Note != "unsubscribed" {
			t.Fatalf("unsubscribe: %+v %v", out, err)
		}
		sp := suppressed(t, s, "ann@example.org")
		if sp.Reason != member.ReasonUnsubscribe || sp.Source != "web" || sp.Detail != "one-click unsubscribe" || !sp.At.Equal(lc.Now()) {
			t.Errorf("suppression %+v", sp)
		}
		// Again: nothing changes, and the note says so.
		out, err = lc.Leave(ctx, member.Ref{ID: m["ann"].ID}, member.ReasonUnsubscribe, member.Change{Why: "one-click unsubscribe", Source: "web"})
		if err != nil || out.Changed || out.Note != "already unsubscribed" {
			t.Fatalf("second unsubscribe: %+v %v", out, err)
		}
		// A complaint after it is stronger: the reason becomes complaint.
		if _, err := lc.Leave(ctx, member.Ref{Email: "ANN@example.org"}, member.ReasonComplaint, member.Change{Why: "abuse report", Source: "arf"}); err != nil {
			t.Fatal(err)
		}
		if sp := suppressed(t, s, "ann@example.org"); sp.Reason != member.ReasonComplaint {
			t.Errorf("after complaint: %+v", sp)
		}
		// A bounce after that changes neither status nor reason.
		out, err = lc.Leave(ctx, member.Ref{ID: m["ann"].ID}, member.ReasonBounce, member.Change{Why: "5.1.1", Source: "dsn"})
		if err != nil || out.Changed || out.Member.Status != member.StatusUnsubscribed {
			t.Fatalf("bounce after unsubscribe: %+v %v", out, err)
		}
		eqStrings(t, "history", history(t, s, m["ann"].ID), []string{
			"added >active import: active [import upsert:1]",
			"status active>unsubscribed one-click unsubscribe [web]",
			"suppressed >unsubscribe one-click unsubscribe [web]",
			"suppressed unsubscribe>complaint abuse report [arf]",
		})
		// An address that belongs to nobody is suppressed all the same.
		if _, err := lc.Leave(ctx, member.Ref{Email: "gone@example.org"}, member.ReasonComplaint, member.Change{Why: "abuse", Source: "arf"}); err != nil {
			t.Fatal(err)
		}
		if sp := suppressed(t, s, "gone@example.org"); sp.Reason != member.ReasonComplaint {
			t.Errorf("stranger: %+v", sp)
		}
		if _, err := lc.Leave(ctx, member.Ref{ID: 999}, member.ReasonBounce, member.Change{}); !errors.Is(err, member.ErrNoMember) {
			t.Errorf("unknown id: %v", err)
		}
	})
}

func TestLeaveOnceKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		lc, _, m := lifecycle(t, s)
		c := member.Change{Why: "5.1.1 user unknown", Source: "dsn <x@y>", Once: "msg:<x@y>"}
		if _, err := lc.Leave(ctx, member.Ref{ID: m["ann"].ID}, member.ReasonBounce, c); err != nil {
			t.Fatal(err)
		}
		// The same message again, even for another member, changes nothing.
		if _, err := lc.Leave(ctx, member.Ref{ID: m["pat"].ID}, member.ReasonBounce, c); !errors.Is(err, member.ErrDone) {
			t.Fatalf("second time: %v", err)
		}
		if got, _ := s.Member(ctx, m["pat"].ID); got.Status != member.StatusPaused {
			t.Errorf("pat became %s", got.Status)
		}
		if h := history(t, s, m["pat"].ID); len(h) != 1 { // added by the fixture's import
			t.Errorf("pat's history: %q", h)
		}
		// A failed change does not burn its key.
		bad := member.Change{Once: "msg:<fails@y>"}
		if _, err := lc.Leave(ctx, member.Ref{ID: 999}, member.ReasonBounce, bad); !errors.Is(err, member.ErrNoMember) {
			t.Fatal(err)
		}
		if _, err := lc.Leave(ctx, member.Ref{ID: m["pat"].ID}, member.ReasonBounce, bad); err != nil {
			t.Fatalf("the key of a failed change was kept: %v", err)
		}
	})
}

func TestSoftBouncesOverConsecutiveIssues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		lc, _, m := lifecycle(t, s)
		ann := m["ann"].ID
		// Three issues went out to ann.
		for _, week := range []string{"2026-W08", "2026-W09", "2026-W10"} {
			sendAll(t, s, week)
		}
		out, err := lc.SoftBounce(ctx, member.Ref{ID: ann}, "2026-W08", member.Change{Why: "452 4.2.2 mailbox full", Source: "dsn", Once: "a"})
		if err != nil || out.Member.Status != member.StatusActive {
			t.Fatalf("W08: %+v %v", out, err)
		}
		// W09 went through; W10 soft-bounces: a streak of one, not two.
		out, err = lc.SoftBounce(ctx, member.Ref{ID: ann}, "2026-W10", member.Change{Why: "452 4.2.2 mailbox full", Source: "dsn", Once: "b"})
		if err != nil || out.Member.Status != member.StatusActive || out.Note != "soft bounce 1 of 2 in a row" {
			t.Fatalf("W10: %+v %v", out, err)
		}
		// W09 soft-bounces late: now W10 and W09 in a row → bounced.
		out, err = lc.SoftBounce(ctx, member.Ref{ID: ann}, "2026-W09", member.Change{Why: "421 4.4.2 timeout", Source: "dsn", Once: "c"})
		if err != nil || out.Member.Status != member.StatusBounced {
			t.Fatalf("W09: %+v %v", out, err)
		}
		if sp := suppressed(t, s, "ann@example.org"); sp.Reason != member.ReasonBounce || !strings.Contains(sp.Detail, "2 issues in a row soft-bounced") {
			t.Errorf("suppression %+v", sp)
		}
		// The same DSN fed twice counts once.
		if _, err := lc.SoftBounce(ctx, member.Ref{ID: m["pat"].ID}, "2026-W10", member.Change{Once: "c"}); !errors.Is(err, member.ErrDone) {
			t.Errorf("repeat: %v", err)
		}
	})
}

// sendAll runs a ledger for week to every eligible member and marks them
// sent.
func sendAll(t *testing.T, s *store.Store, week string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	if _, err := s.EnsureDeliveries(ctx, week, delivery.Audience{}, now); err != nil {
		t.Fatal(err)
	}
	claims, err := s.Claim(ctx, week, "t", 100, now, now.Add(time.Minute), func(m member.Member) string { return week + fmt.Sprint(m.ID) })
	if err != nil {
		t.Fatal(err)
	}
	var outs []delivery.Outcome
	for _, c := range claims {
		outs = append(outs, delivery.Outcome{MemberID: c.MemberID, State: delivery.StateSent, Reply: "250 ok"})
	}
	if err := s.Record(ctx, week, "t", outs, now); err != nil {
		t.Fatal(err)
	}
}

func TestPauseResumeAndPDF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		lc, _, m := lifecycle(t, s)
		ann := m["ann"].ID
		until := lc.Now().Add(3 * 7 * 24 * time.Hour)
		out, err := lc.Pause(ctx, ann, until, member.Change{Source: "web manage"})
		if err != nil || out.Member.Status != member.StatusPaused || !out.Member.PausedUntil.Equal(until) {
			t.Fatalf("pause: %+v %v", out, err)
		}
		got, _ := s.Member(ctx, ann)
		if got.Status != member.StatusPaused || !got.PausedUntil.Equal(until) {
			t.Fatalf("stored %+v", got)
		}
		if _, err := lc.Pause(ctx, m["uma"].ID, until, member.Change{}); !errors.Is(err, member.ErrMemberOnly) {
			t.Errorf("pausing an unsubscribed member: %v", err)
		}
		if _, err := lc.SetDeliverPDF(ctx, ann, "link", member.Change{Source: "web manage"}); err != nil {
			t.Fatal(err)
		}
		// The pause has not ended yet: nobody resumes.
		if n, err := s.ResumePaused(ctx, until.Add(-time.Hour)); err != nil || n != 0 {
			t.Fatalf("early resume: %d %v", n, err)
		}
		// pat's pause has no end: only ann resumes.
		if n, err := s.ResumePaused(ctx, until); err != nil || n != 1 {
			t.Fatalf("resume: %d %v", n, err)
		}
		got, _ = s.Member(ctx, ann)
		if got.Status != member.StatusActive || !got.PausedUntil.IsZero() || got.DeliverPDF != "link" {
			t.Fatalf("after the pause %+v", got)
		}
		if p, _ := s.Member(ctx, m["pat"].ID); p.Status != member.StatusPaused {
			t.Errorf("pat resumed: %+v", p)
		}
		eqStrings(t, "history", history(t, s, ann), []string{
			"added >active import: active [import upsert:1]",
			"status active>paused paused until 2026-03-27 [web manage]",
			"deliver_pdf >link  [web manage]",
			"status paused>active pause ended [schedule]",
		})
	})
}

func TestUnsuppress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		lc, _, m := lifecycle(t, s)
		ann := m["ann"].ID
		// A relay's refusal suppressed ann wrongly (the sender's path).
		if err := s.Suppress(ctx, "ann@example.org", "550 relay not permitted", time.Now()); err != nil {
			t.Fatal(err)
		}
		if sp := suppressed(t, s, "ann@example.org"); sp.Reason != member.ReasonBounce {
			t.Fatalf("the sender's suppression: %+v", sp)
		}
		out, err := lc.Unsuppress(ctx, "ANN@example.org", "", member.Change{Why: "relay misconfigured", Source: "cli"})
		if err != nil || !out.Changed {
			t.Fatalf("unsuppress: %+v %v", out, err)
		}
		if sp := suppressed(t, s, "ann@example.org"); sp.Reason != "" {
			t.Errorf("still suppressed: %+v", sp)
		}
		if _, err := lc.Unsuppress(ctx, "ann@example.org", "", member.Change{}); !errors.Is(err, member.ErrNotSuppressed) {
			t.Errorf("twice: %v", err)
		}
		// An unsubscribe needs the member's consent.
		uma := m["uma"].ID
		if _, err := lc.Leave(ctx, member.Ref{ID: uma}, member.ReasonUnsubscribe, member.Change{Why: "page", Source: "web"}); err != nil {
			t.Fatal(err)
		}
		if _, err := lc.Unsuppress(ctx, "uma@example.org", " ", member.Change{Source: "cli"}); !errors.Is(err, member.ErrMemberOnly) {
			t.Fatalf("unsuppress an unsubscribe without consent: %v", err)
		}
		out, err = lc.Unsuppress(ctx, "uma@example.org", "signed up again at the book fair", member.Change{Why: "opted in", Source: "cli"})
		if err != nil || out.Member.Status != member.StatusActive {
			t.Fatalf("with consent: %+v %v", out, err)
		}
		eqStrings(t, "ann's history", history(t, s, ann), []string{
			"added >active import: active [import upsert:1]",
			"unsuppressed bounce> relay misconfigured [cli]",
		})
		eqStrings(t, "uma's history", history(t, s, uma), []string{
			"added >unsubscribed import: unsubscribed [import upsert:3]",
			"suppressed >unsubscribe import: unsubscribed [import upsert:3]",
			"unsuppressed unsubscribe> opted in [cli]",
			"consent > signed up again at the book fair [cli]",
			"status unsubscribed>active opted in [cli]",
		})
	})
}

func TestUpsertKeepsMembersWhoLeft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		lc, _, m := lifecycle(t, s)
		src := member.Change{Why: "billing sync", Source: "api"}
		// uma unsubscribed (status only, from the first import): kept.
		out, err := lc.Upsert(ctx, member.Member{Email: "uma@example.org", Name: "Uma New", Tier: "web", Status: member.StatusActive}, member.Upsert{}, src)
		if err != nil || !out.Kept || out.Member.Status != member.StatusUnsubscribed || out.Note != "kept unsubscribed" || out.Member.Name != "Uma New" {
			t.Fatalf("upsert uma: %+v %v", out, err)
		}
		if got, _ := s.Member(ctx, m["uma"].ID); got.Status != member.StatusUnsubscribed || got.Tier != "web" {
			t.Fatalf("stored uma %+v", got)
		}
		// Resubscribe needs consent, then works and is recorded.
		if _, err := lc.Upsert(ctx, member.Member{Email: "uma@example.org", Status: member.StatusActive}, member.Upsert{Resubscribe: true}, src); !errors.Is(err, member.ErrNoConsent) {
			t.Fatalf("resubscribe without consent: %v", err)
		}
		out, err = lc.Upsert(ctx, member.Member{Email: "uma@example.org", Name: "Uma", Status: member.StatusActive},
			member.Upsert{Resubscribe: true, Consent: "renewed on the website 2026-03-05"}, src)
		if err != nil || out.Member.Status != member.StatusActive || out.Note != "resubscribed" {
			t.Fatalf("resubscribe: %+v %v", out, err)
		}
		// A new member whose address was suppressed stays out.
		if _, err := lc.Leave(ctx, member.Ref{Email: "zed@example.org"}, member.ReasonComplaint, member.Change{Source: "arf"}); err != nil {
			t.Fatal(err)
		}
		out, err = lc.Upsert(ctx, member.Member{Email: "zed@example.org", Status: member.StatusActive}, member.Upsert{}, src)
		if err != nil || !out.Kept || out.Member.Status != member.StatusUnsubscribed {
			t.Fatalf("new but suppressed: %+v %v", out, err)
		}
		// The billing system says ann left: unsubscribed and suppressed.
		out, err = lc.Upsert(ctx, member.Member{Email: "ann@example.org", Status: member.StatusUnsubscribed}, member.Upsert{}, src)
		if err != nil || out.Member.Status != member.StatusUnsubscribed || suppressed(t, s, "ann@example.org").Reason != member.ReasonUnsubscribe {
			t.Fatalf("ann leaves: %+v %v", out, err)
		}
		// Delete keeps the suppression.
		if _, err := lc.Delete(ctx, "ann@example.org", src); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MemberByEmail(ctx, "ann@example.org"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ann not deleted: %v", err)
		}
		if history(t, s, m["ann"].ID) != nil {
			t.Error("ann's history outlived her")
		}
		out, err = lc.Upsert(ctx, member.Member{Email: "ann@example.org", Status: member.StatusActive}, member.Upsert{}, src)
		if err != nil || !out.Kept || out.Member.Status != member.StatusUnsubscribed {
			t.Fatalf("ann re-added: %+v %v", out, err)
		}
		eqStrings(t, "uma's history", history(t, s, m["uma"].ID), []string{
			"added >unsubscribed import: unsubscribed [import upsert:3]",
			"suppressed >unsubscribe import: unsubscribed [import upsert:3]",
			"status unsubscribed>active billing sync [api]",
			"unsuppressed unsubscribe> renewed on the website 2026-03-05 [api]",
			"consent > renewed on the website 2026-03-05 [api]",
		})
	})
}

func TestDecide(t *testing.T) {
	A, P, U, B := member.StatusActive, member.StatusPaused, member.StatusUnsubscribed, member.StatusBounced
	tests := []struct {
		cur  member.Status
		supp member.Reason
		want member.Status
		resu bool
		out  member.Decision
	}{
		{"", "", A, false, member.Decision{Status: A}},
		{A, "", P, false, member.Decision{Status: P}},
		{U, "", A, false, member.Decision{Status: U, Kept: true}},
		{B, "", P, false, member.Decision{Status: B, Kept: true}},
		{U, member.ReasonUnsubscribe, A, true, member.Decision{Status: A, Resubscribed: true}},
		{"", member.ReasonComplaint, A, false, member.Decision{Status: U, Kept: true}},
		{A, member.ReasonBounce, A, false, member.Decision{Status: B, Kept: true}},
		{"", member.ReasonManual, A, false, member.Decision{Status: A, Kept: true}},
		{A, "", U, false, member.Decision{Status: U, Suppress: member.ReasonUnsubscribe}},
		{"", "", B, false, member.Decision{Status: B, Suppress: member.ReasonBounce}},
		{U, member.ReasonUnsubscribe, B, false, member.Decision{Status: U}},
		{A, member.ReasonManual, U, false, member.Decision{Status: U}},
	}
	for _, tt := range tests {
		if got := member.Decide(tt.cur, tt.supp, tt.want, tt.resu); got != tt.out {
			t.Errorf("Decide(%q, %q, %q, %v) = %+v, want %+v", tt.cur, tt.supp, tt.want, tt.resu, got, tt.out)
		}
	}
}
