package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

// rowsOf numbers members as the lines of a file (header on line 1).
func rowsOf(ms ...member.Member) func(func(member.ImportRow, error) bool) {
	return func(yield func(member.ImportRow, error) bool) {
		for i, m := range ms {
			if !yield(member.ImportRow{Line: i + 2, Member: m, From: string(m.Status)}, nil) {
				return
			}
		}
	}
}

func TestImportKeepsMembersWhoLeft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		lc, _, m := lifecycle(t, s) // ann active, pat paused, uma unsubscribed (no suppression)
		// ann unsubscribes with one click; bob is bounced by a DSN; cat complains.
		if _, err := lc.Leave(ctx, member.Ref{ID: m["ann"].ID}, member.ReasonUnsubscribe, member.Change{Why: "one-click", Source: "web"}); err != nil {
			t.Fatal(err)
		}
		for _, who := range []struct {
			email  string
			reason member.Reason
		}{{"bob@example.org", member.ReasonBounce}, {"cat@example.org", member.ReasonComplaint}} {
			if _, err := lc.Upsert(ctx, mem(who.email, "print", member.StatusActive), member.Upsert{}, member.Change{Source: "api"}); err != nil {
				t.Fatal(err)
			}
			if _, err := lc.Leave(ctx, member.Ref{Email: who.email}, who.reason, member.Change{Why: "x", Source: "dsn"}); err != nil {
				t.Fatal(err)
			}
		}
		// The billing system's nightly file says everybody is active.
		file := rowsOf(
			mem("ann@example.org", "print", member.StatusActive),
			mem("Bob@example.org", "web", member.StatusActive),
			mem("cat@example.org", "print", member.StatusPaused),
			mem("pat@example.org", "print", member.StatusActive),
			mem("uma@example.org", "print", member.StatusActive),
			mem("new@example.org", "print", member.StatusActive),
			mem("gone@example.org", "print", member.StatusUnsubscribed),
		)
		rep, err := s.ImportMembers(ctx, file, member.ImportOptions{File: "billing.csv"})
		if err != nil {
			t.Fatal(err)
		}
		var kept []string
		for _, k := range rep.Kept {
			kept = append(kept, k.String())
		}
		want := []string{
			"kept unsubscribed, line 2 (ann@example.org)",
			"kept bounced, line 3 (Bob@example.org)",
			"kept unsubscribed, line 4 (cat@example.org)",
			"kept unsubscribed, line 6 (uma@example.org)",
		}
		eqStrings(t, "kept", kept, want)
		if rep.Added != 2 || rep.Updated != 2 || rep.Unchanged != 0 {
			t.Errorf("report %+v", rep) // bob's tier and pat's status changed; ann, cat and uma only kept
		}
		status := func(email string) member.Status {
			got, err := s.MemberByEmail(ctx, email)
			if err != nil {
				t.Fatal(err)
			}
			return got.Status
		}
		for email, st := range map[string]member.Status{
			"ann@example.org": member.StatusUnsubscribed, "bob@example.org": member.StatusBounced, "cat@example.org": member.StatusUnsubscribed,
			"pat@example.org": member.StatusActive, "uma@example.org": member.StatusUnsubscribed, "new@example.org": member.StatusActive,
			"gone@example.org": member.StatusUnsubscribed,
		} {
			if got := status(email); got != st {
				t.Errorf("%s is %s, want %s", email, got, st)
			}
		}
		if b, _ := s.MemberByEmail(ctx, "bob@example.org"); b.Tier != "web" {
			t.Errorf("bob's other fields were not updated: %+v", b)
		}
		// A new member who left is suppressed; uma, who had only a status, is now too.
		if sp := suppressed(t, s, "gone@example.org"); sp.Reason != member.ReasonUnsubscribe || sp.Source != "import billing.csv:8" {
			t.Errorf("gone's suppression %+v", sp)
		}
		// Nobody who left is in the next send.
		var eligible []string
		for e, err := range s.EligibleMembers(ctx, delivery.Audience{}) {
			if err != nil {
				t.Fatal(err)
			}
			eligible = append(eligible, e.Email)
		}
		slices.Sort(eligible)
		eqStrings(t, "eligible", eligible, []string{"new@example.org", "pat@example.org"})
		for email, line := range map[string]int{"new@example.org": 7, "gone@example.org": 8} {
			got, err := s.MemberByEmail(ctx, email)
			if err != nil {
				t.Fatal(err)
			}
			h := history(t, s, got.ID)
			if len(h) == 0 || h[0] != fmt.Sprintf("added >%s import: %s [import billing.csv:%d]", got.Status, got.Status, line) {
				t.Errorf("%s's history %q", email, h)
			}
		}
		eqStrings(t, "pat's history", history(t, s, m["pat"].ID), []string{
			"added >paused import: paused [import upsert:2]",
			"status paused>active import: active [import billing.csv:5]",
		})

		// They opted in again: --resubscribe records it.
		rep, err = s.ImportMembers(ctx, rowsOf(
			mem("ann@example.org", "print", member.StatusActive),
			mem("cat@example.org", "print", member.StatusActive),
		), member.ImportOptions{File: "optin.csv", Resubscribe: true, Consent: "signed the renewal form at the 2026 fair"})
		if err != nil || rep.Resubscribed != 2 || len(rep.Kept) != 0 {
			t.Fatalf("resubscribe: %+v %v", rep, err)
		}
		if status("ann@example.org") != member.StatusActive || suppressed(t, s, "cat@example.org").Reason != "" {
			t.Errorf("ann %s, cat's suppression %+v", status("ann@example.org"), suppressed(t, s, "cat@example.org"))
		}
		h := history(t, s, m["ann"].ID)
		eqStrings(t, "ann's history", h, []string{
			"added >active import: active [import upsert:1]",
			"status active>unsubscribed one-click [web]",
			"suppressed >unsubscribe one-click [web]",
			"status unsubscribed>active resubscribed: signed the renewal form at the 2026 fair [import optin.csv:2]",
			"unsuppressed unsubscribe> signed the renewal form at the 2026 fair [import optin.csv:2]",
			"consent > signed the renewal form at the 2026 fair [import optin.csv:2]",
		})
		if _, err := s.ImportMembers(ctx, rowsOf(mem("ann@example.org", "", member.StatusActive)), member.ImportOptions{Resubscribe: true}); !errors.Is(err, member.ErrNoConsent) {
			t.Errorf("resubscribe without consent: %v", err)
		}
	})
}

func TestImportFailureChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		rows := func(yield func(member.ImportRow, error) bool) {
			for i := range 500 {
				if !yield(member.ImportRow{Line: i + 2, Member: mem(fmt.Sprintf("m%d@example.org", i), "", member.StatusActive)}, nil) {
					return
				}
			}
			yield(member.ImportRow{}, errors.New("disk went away"))
		}
		if _, err := s.ImportMembers(ctx, rows, member.ImportOptions{File: "x.csv"}); err == nil {
			t.Fatal("no error")
		}
		all, err := s.ListMembers(ctx)
		if err != nil || len(all) != 0 {
			t.Fatalf("a failed import left %d members (%v)", len(all), err)
		}
		// The store is still usable: the staging table went with the rollback.
		if _, err := s.ImportMembers(ctx, rowsOf(mem("a@example.org", "", member.StatusActive)), member.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestFirstImport: into an empty store rows need no lookup (on PostgreSQL
// they are read through a view of the staged rows, their ids drawn as one
// block). Repeats Before names drop out, members who left and a Folio
// export's suppression are suppressed with their history, ids follow the
// lines, and a member added afterwards gets an id past them all.
func TestFirstImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		file := []member.ImportRow{
			{Line: 2, Member: mem("ann@example.org", "print", member.StatusActive), From: "active"},
			{Line: 3, Member: mem("bob@example.org", "web", member.StatusPaused), From: "paused"},
			{Line: 4, Member: mem("ANN@example.org", "print", member.StatusActive), From: "active"}, // a repeat
			{Line: 5, Member: mem("cat@example.org", "print", member.StatusUnsubscribed), From: "lapsed"},
			{Line: 6, Member: mem("dan@example.org", "print", member.StatusBounced), From: "bounced",
				Suppression: member.ReasonBounce, SuppressionDetail: "550 5.1.1 no such user"},
			{Line: 7, Member: mem("eve@example.org", "student", member.StatusActive), From: "active"},
		}
		rows := func(yield func(member.ImportRow, error) bool) {
			for _, r := range file {
				if !yield(r, nil) {
					return
				}
			}
		}
		rep, err := s.ImportMembers(ctx, rows, member.ImportOptions{File: "first.csv",
			Before: func() ([]int, error) { return []int{4}, nil }})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Added != 5 || rep.Updated != 0 || rep.Unchanged != 0 || len(rep.Kept) != 0 {
			t.Errorf("report %+v", rep)
		}
		var ids []int64
		for _, want := range []struct {
			email  string
			status member.Status
			line   int
		}{
			{"ann@example.org", member.StatusActive, 2}, {"bob@example.org", member.StatusPaused, 3},
			{"cat@example.org", member.StatusUnsubscribed, 5}, {"dan@example.org", member.StatusBounced, 6},
			{"eve@example.org", member.StatusActive, 7},
		} {
			m, err := s.MemberByEmail(ctx, want.email)
			if err != nil {
				t.Fatalf("%s: %v", want.email, err)
			}
			if m.Status != want.status {
				t.Errorf("%s is %s, want %s", want.email, m.Status, want.status)
			}
			if len(ids) > 0 && m.ID <= ids[len(ids)-1] {
				t.Errorf("%s has id %d, not past the line before's %d", want.email, m.ID, ids[len(ids)-1])
			}
			ids = append(ids, m.ID)
			h := history(t, s, m.ID)
			if len(h) == 0 || h[0] != fmt.Sprintf("added >%s import: %s [import first.csv:%d]", want.status, file[want.line-2].From, want.line) {
				t.Errorf("%s's history %q", want.email, h)
			}
		}
		if sp := suppressed(t, s, "cat@example.org"); sp.Reason != member.ReasonUnsubscribe || sp.Source != "import first.csv:5" {
			t.Errorf("cat's suppression %+v", sp)
		}
		if sp := suppressed(t, s, "dan@example.org"); sp.Reason != member.ReasonBounce || sp.Detail != "550 5.1.1 no such user" {
			t.Errorf("dan's suppression %+v", sp)
		}
		if sp := suppressed(t, s, "ann@example.org"); sp.Reason != "" {
			t.Errorf("ann is suppressed: %+v", sp)
		}
		all, err := s.ListMembers(ctx)
		if err != nil || len(all) != 5 {
			t.Fatalf("%d members (%v), want 5: the repeat stays out", len(all), err)
		}
		// The next member drawn from the sequence is past the block.
		if _, err := s.ImportMembers(ctx, rowsOf(mem("fay@example.org", "print", member.StatusActive)), member.ImportOptions{File: "more.csv"}); err != nil {
			t.Fatal(err)
		}
		fay, err := s.MemberByEmail(ctx, "fay@example.org")
		if err != nil || fay.ID <= ids[len(ids)-1] {
			t.Errorf("fay's id %d, want past %d (%v)", fay.ID, ids[len(ids)-1], err)
		}
	})
}

// TestFirstImportRefusesARepeatItWasNotTold: two rows with one address and
// no Before to leave one out fail a first import whole, on both engines
// (PostgreSQL finds them when it adds the address constraint back).
func TestFirstImportRefusesARepeatItWasNotTold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, err := s.ImportMembers(ctx, rowsOf(mem("ann@example.org", "", member.StatusActive), mem("Ann@Example.org", "", member.StatusActive)),
			member.ImportOptions{File: "twice.csv"})
		if err == nil {
			t.Fatal("a file with one address twice was imported")
		}
		if all, err := s.ListMembers(ctx); err != nil || len(all) != 0 {
			t.Fatalf("the failed import left %d members (%v)", len(all), err)
		}
		if _, err := s.ImportMembers(ctx, rowsOf(mem("ann@example.org", "", member.StatusActive)), member.ImportOptions{File: "once.csv"}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestFirstImportInBatches: a first import of more rows than one batch
// takes (SQLite writes 200 at a time straight into members), with
// repeats inside full batches. What Before names stays out: the repeats,
// and a line it names that is no repeat, taken out again with its
// history and suppression. A repeat it leaves unnamed fails the import
// whole, however deep in the file.
func TestFirstImportInBatches(t *testing.T) {
	const n = 450
	file := func() []member.Member {
		ms := make([]member.Member, n)
		for i := range ms {
			ms[i] = mem(fmt.Sprintf("m%03d@example.org", i), "print", member.StatusActive)
		}
		ms[40] = mem("M010@example.org", "print", member.StatusActive)        // line 42 repeats line 12
		ms[299] = mem("m298@EXAMPLE.org", "print", member.StatusActive)       // line 301 repeats line 300
		ms[420] = mem("m420@example.org", "print", member.StatusUnsubscribed) // line 422 left: suppressed
		ms[430] = mem("m430@example.org", "print", member.StatusUnsubscribed) // line 432: named, no repeat
		return ms
	}()
	for _, tc := range []struct {
		name  string
		named []int
		fails bool
	}{
		{"the repeats named", []int{42, 301}, false},
		{"a line named that is no repeat", []int{42, 301, 432}, false},
		{"a repeat deep in the file not named", []int{42}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				ctx := context.Background()
				rep, err := s.ImportMembers(ctx, rowsOf(file...), member.ImportOptions{File: "big.csv",
					Before: func() ([]int, error) { return tc.named, nil }})
				all, lerr := s.ListMembers(ctx)
				if lerr != nil {
					t.Fatal(lerr)
				}
				if tc.fails {
					if err == nil || len(all) != 0 {
						t.Fatalf("imported with a repeat not named: %v, %d members", err, len(all))
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if want := n - len(tc.named); rep.Added != want || len(all) != want {
					t.Fatalf("added %d, %d members; want %d", rep.Added, len(all), want)
				}
				for i, m := range all {
					if i > 0 && m.Email <= all[i-1].Email {
						t.Fatalf("member %d (%s) after %s: ids out of line order", m.ID, m.Email, all[i-1].Email)
					}
					if h := history(t, s, m.ID); len(h) == 0 || h[0][:6] != "added " {
						t.Fatalf("%s's history %q", m.Email, h)
					}
				}
				if sp := suppressed(t, s, "m420@example.org"); sp.Source != "import big.csv:422" {
					t.Errorf("m420's suppression %+v", sp)
				}
				m432, err := s.MemberByEmail(ctx, "m430@example.org")
				named432 := slices.Contains(tc.named, 432)
				if named432 != (err != nil) {
					t.Errorf("line 432 named %v, member %+v (%v)", named432, m432, err)
				}
				if sp := suppressed(t, s, "m430@example.org"); named432 != (sp.Reason == "") {
					t.Errorf("line 432 named %v, suppression %+v", named432, sp)
				}
			})
		})
	}
}

// TestImportKeepsEveryCharacter: names with COPY's special characters
// (backslash, tab, newline, carriage return) and others come back as
// they went in, from a first import and from one into a store that has
// members, on both engines.
func TestImportKeepsEveryCharacter(t *testing.T) {
	names := []string{`back\slash`, "tab\there", "two\nlines", "cr\rhere", `\N`, `"quoted", 'too'`, "Zoë Ødegård 佐藤", `\\t`}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for round, at := range []int{0, len(names)} {
			ms := make([]member.Member, len(names))
			for i, name := range names {
				ms[i] = mem(fmt.Sprintf("c%d@example.org", at+i), "print", member.StatusActive)
				ms[i].Name = name
			}
			if _, err := s.ImportMembers(ctx, rowsOf(ms...), member.ImportOptions{File: fmt.Sprintf("round%d.csv", round)}); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			for i, want := range names {
				m, err := s.MemberByEmail(ctx, fmt.Sprintf("c%d@example.org", at+i))
				if err != nil || m.Name != want {
					t.Errorf("round %d: name %q came back %q (%v)", round, want, m.Name, err)
				}
			}
		}
	})
}

// TestFirstImportKeepsALongSuppression: a suppression's detail far longer
// than a buffer (PostgreSQL spills a first import's suppressions and
// history to a file read back in 256 KB pieces) comes back whole, and the
// rows around it too.
func TestFirstImportKeepsALongSuppression(t *testing.T) {
	detail := strings.Repeat("550 5.1.1 the mailbox is gone\t", 20000) // 600 KB, with tabs to escape
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		rows := func(yield func(member.ImportRow, error) bool) {
			for i, r := range []member.ImportRow{
				{Member: mem("ann@example.org", "print", member.StatusActive), From: "active"},
				{Member: mem("bob@example.org", "print", member.StatusBounced), From: "bounced",
					Suppression: member.ReasonBounce, SuppressionDetail: detail},
				{Member: mem("cat@example.org", "print", member.StatusUnsubscribed), From: "unsubscribed"},
			} {
				r.Line = i + 2
				if !yield(r, nil) {
					return
				}
			}
		}
		if _, err := s.ImportMembers(ctx, rows, member.ImportOptions{File: "long.csv"}); err != nil {
			t.Fatal(err)
		}
		if sp := suppressed(t, s, "bob@example.org"); sp.Detail != detail {
			t.Errorf("bob's suppression detail is %d bytes, want %d", len(sp.Detail), len(detail))
		}
		if sp := suppressed(t, s, "cat@example.org"); sp.Reason != member.ReasonUnsubscribe || sp.Source != "import long.csv:4" {
			t.Errorf("cat's suppression %+v", sp)
		}
		ann, err := s.MemberByEmail(ctx, "ann@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if h := history(t, s, ann.ID); len(h) != 1 {
			t.Errorf("ann's history %q", h)
		}
	})
}
