package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

func mustFolio(t *testing.T, args ...string) string {
	t.Helper()
	out, stderr, err := folio(t, nil, args...)
	if err != nil {
		t.Fatalf("folio %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr)
	}
	return out
}

// wantLine checks that one line of out holds every part, in order.
func wantLine(t *testing.T, out string, parts ...string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		rest, ok := line, true
		for _, p := range parts {
			i := strings.Index(rest, p)
			if i < 0 {
				ok = false
				break
			}
			rest = rest[i+len(p):]
		}
		if ok {
			return
		}
	}
	t.Errorf("no line holds %q:\n%s", parts, out)
}

func wantLines(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

// TestImportKeepsUnsubscribedMembersOut is issue 12's "unsubscribed,
// re-imported and seen the member stay out", through the CLI.
func TestImportKeepsUnsubscribedMembersOut(t *testing.T) {
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	csv := filepath.Join(dir, "members.csv")
	mustFolio(t, "members", "import", csv, "--config", cfg)

	// Zoë unsubscribes with one click (as the server does it).
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	zoe, err := st.MemberByEmail(ctx, "zoe.lindqvist@example.org")
	if err != nil {
		t.Fatal(err)
	}
	lc := &member.Lifecycle{Store: st}
	if _, err := lc.Leave(ctx, member.Ref{ID: zoe.ID}, member.ReasonUnsubscribe, member.Change{Why: "one-click", Source: "web one-click"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	// The billing system's file still says active, and now says so for
	// Chloë (unsubscribed in the sample) too.
	data, err := os.ReadFile(csv)
	if err != nil {
		t.Fatal(err)
	}
	again := filepath.Join(dir, "billing.csv")
	if err := os.WriteFile(again, []byte(strings.ReplaceAll(string(data), ",unsubscribed,", ",active,")), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustFolio(t, "members", "import", again, "--config", cfg)
	wantLines(t, out, "Folio member file, 8 rows", "status mapping: active → active (7 rows)",
		"kept unsubscribed, line 2 (zoe.lindqvist@example.org)", "kept unsubscribed, line 9 (chloe.ashworth@example.net)",
		"2 kept out", "--resubscribe")
	list := mustFolio(t, "members", "list", "--config", cfg)
	for _, line := range strings.Split(list, "\n") {
		if strings.Contains(line, "zoe.lindqvist") && !strings.Contains(line, "unsubscribed") {
			t.Errorf("zoe after the re-import: %q", line)
		}
	}
	if _, _, err := folio(t, nil, "members", "import", again, "--resubscribe", "--config", cfg); err == nil || !strings.Contains(err.Error(), "--consent") {
		t.Errorf("--resubscribe without --consent: %v", err)
	}
	out = mustFolio(t, "members", "import", again, "--resubscribe", "--consent", "renewed by phone, March 2026", "--config", cfg)
	wantLines(t, out, "2 resubscribed", "0 kept out")
	hist := mustFolio(t, "members", "history", "zoe.lindqvist@example.org", "--config", cfg)
	wantLines(t, hist, "unsubscribed → active", "consent", "renewed by phone, March 2026", "import billing.csv:2", "web one-click")
}

func TestMembersSuppressExportRoundTrip(t *testing.T) {
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	mustFolio(t, "members", "import", filepath.Join(dir, "members.csv"), "--config", cfg)
	wantLines(t, mustFolio(t, "members", "suppress", "ramon.etxeberria@example.net", "--note", "asked by phone", "--config", cfg), "suppressed")
	wantLines(t, mustFolio(t, "members", "suppress", "stranger@example.com", "--config", cfg), "suppressed")
	out := mustFolio(t, "members", "suppressions", "--config", cfg)
	wantLine(t, out, "chloe.ashworth@example.net", "unsubscribe", "import members.csv:9")
	wantLine(t, out, "ramon.etxeberria@example.net", "manual", "cli", "asked by phone")
	wantLines(t, out, "3 suppressed")

	// An unsubscribe is the member's to lift; a manual one the operator's.
	if _, _, err := folio(t, nil, "members", "unsuppress", "chloe.ashworth@example.net", "--config", cfg); err == nil || !strings.Contains(err.Error(), "--consent") {
		t.Errorf("unsuppressing an unsubscribe without consent: %v", err)
	}
	wantLines(t, mustFolio(t, "members", "unsuppress", "stranger@example.com", "--config", cfg), "unsuppressed (manual)")

	exported := filepath.Join(dir, "export.csv")
	mustFolio(t, "members", "export", "--out", exported, "--config", cfg)
	data, err := os.ReadFile(exported)
	if err != nil {
		t.Fatal(err)
	}
	csv := string(data)
	wantLines(t, csv, "email,name,tier,status,deliver_pdf,paused_until,suppression,",
		"chloe.ashworth@example.net,Chloë Ashworth,student,unsubscribed,attach,,unsubscribe,",
		"ramon.etxeberria@example.net,Ramón Etxeberria,digital,active,attach,,manual,asked by phone,cli,")
	if n := strings.Count(strings.TrimSpace(csv), "\n"); n != 8 {
		t.Errorf("export has %d rows, want 8:\n%s", n, csv)
	}
	// Into a fresh database: the same members, the same suppressions.
	fresh := filepath.Join(dir, "fresh.toml")
	toml, _ := os.ReadFile(cfg)
	if err := os.WriteFile(fresh, []byte(strings.Replace(string(toml), `path = "folio.db"`, `path = "fresh.db"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	out = mustFolio(t, "members", "import", exported, "--config", fresh)
	wantLines(t, out, "8 added")
	out = mustFolio(t, "members", "suppressions", "--config", fresh)
	wantLine(t, out, "chloe.ashworth@example.net", "unsubscribe")
	wantLine(t, out, "ramon.etxeberria@example.net", "manual", "asked by phone")
	wantLines(t, out, "2 suppressed")

	// Lifting a suppression is recorded in the member's history, after
	// the suppression itself (issue 11.1).
	wantLines(t, mustFolio(t, "members", "unsuppress", "ramon.etxeberria@example.net", "--config", cfg), "unsuppressed (manual)")
	hist := mustFolio(t, "members", "history", "ramon.etxeberria@example.net", "--config", cfg)
	wantLine(t, hist, "suppressed", "manual", "asked by phone", "cli")
	wantLine(t, hist, "unsuppressed", "manual →", "lifted by the operator", "cli")
	if strings.Index(hist, "unsuppressed") < strings.Index(hist, " suppressed") {
		t.Errorf("history out of order:\n%s", hist)
	}
	if out := mustFolio(t, "members", "suppressions", "--config", cfg); strings.Contains(out, "ramon") {
		t.Errorf("ramon still suppressed:\n%s", out)
	}
}

func TestImportOtherSystemsExports(t *testing.T) {
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	ghost := filepath.Join("..", "..", "internal", "member", "testdata", "ghost-members.csv")
	out := mustFolio(t, "members", "import", ghost, "--config", cfg)
	wantLines(t, out, "Ghost member export, 5 rows", "status mapping: subscribed_to_emails=false → unsubscribed (1 row)",
		"status mapping: subscribed_to_emails=true → active (3 rows)", "5 added")
	mc := filepath.Join("..", "..", "internal", "member", "testdata", "mailchimp-subscribed.csv")
	out = mustFolio(t, "members", "import", mc, "--tier", "digital", "--config", cfg)
	wantLines(t, out, "Mailchimp audience export, 2 rows", "subscribed → active (2 rows)")
	list := mustFolio(t, "members", "list", "--config", cfg)
	wantLines(t, list, "mei.tanaka@example.org", "Mei Tanaka", "digital")
}

// TestPauseEndsBeforeTheSend: a member who paused on the manage page is
// left out while the pause lasts and back in the first send after it.
func TestPauseEndsBeforeTheSend(t *testing.T) {
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	mustFolio(t, "members", "import", filepath.Join(dir, "members.csv"), "--config", cfg)
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	zoe, _ := st.MemberByEmail(ctx, "zoe.lindqvist@example.org")
	ramon, _ := st.MemberByEmail(ctx, "ramon.etxeberria@example.net")
	lc := &member.Lifecycle{Store: st}
	if _, err := lc.Pause(ctx, zoe.ID, time.Now().Add(50*time.Millisecond), member.Change{Source: "web manage page"}); err != nil {
		t.Fatal(err)
	}
	if _, err := lc.Pause(ctx, ramon.ID, time.Now().Add(30*24*time.Hour), member.Change{Source: "web manage page"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // zoe's pause is over
	mustFolio(t, "send", "--week", sampleWeek, "--config", cfg)
	outbox := filepath.Join(dir, "outbox")
	if _, err := os.Stat(filepath.Join(outbox, fmt.Sprintf("%s.%d.eml", sampleWeek, zoe.ID))); err != nil {
		t.Errorf("zoe, back from her break, got no issue: %v", err)
	}
	if _, err := os.Stat(filepath.Join(outbox, fmt.Sprintf("%s.%d.eml", sampleWeek, ramon.ID))); err == nil {
		t.Error("ramon got an issue during his pause")
	}
	wantLine(t, mustFolio(t, "members", "history", "zoe.lindqvist@example.org", "--config", cfg), "status", "paused → active", "pause ended", "schedule")
}

// TestImportRepeatsAndInvalidRows: on each store, a file with a repeated
// address and a bad row imports nothing and names both lines; with
// --skip-invalid the rest goes in, the address's first line winning.
func TestImportRepeatsAndInvalidRows(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dir := sample(t)
			cfg := filepath.Join(dir, "folio.toml")
			var env []string
			if engine == "postgres" {
				env = []string{"FOLIO_STORE_URL=" + storetest.Target(t, engine)}
			}
			run := func(args ...string) (string, string, error) {
				return folio(t, env, append(args, "--config", cfg)...)
			}
			if out, stderr, err := run("members", "import", filepath.Join(dir, "members.csv")); err != nil {
				t.Fatalf("%v\n%s%s", err, out, stderr)
			}
			before, _, _ := run("members", "list")
			file := filepath.Join(dir, "billing.csv")
			if err := os.WriteFile(file, []byte("email,name,tier,status\n"+
				"new1@example.org,New One,print,active\n"+
				"NEW1@example.org,New Again,print,active\n"+
				"zoe.lindqvist@example.org,Zoe Renamed,print,active\n"+
				"bad@,Bad,print,active\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err := run("members", "import", file)
			if err == nil {
				t.Fatal("a file with a repeat and a bad row imported")
			}
			wantLines(t, err.Error(), "2 invalid rows, nothing imported", "billing.csv:3: email", "duplicate email (first on line 2)",
				"billing.csv:5: email")
			if after, _, _ := run("members", "list"); after != before {
				t.Errorf("a refused import changed the members:\n%s\nwas\n%s", after, before)
			}
			out, stderr, err := run("members", "import", file, "--skip-invalid")
			if err != nil {
				t.Fatalf("--skip-invalid: %v\n%s", err, stderr)
			}
			wantLines(t, out, "1 added, 1 updated")
			wantLines(t, stderr, "skipped invalid row: ", "billing.csv:3")
			wantLines(t, stderr, "skipped invalid row: ", "billing.csv:5")
			list, _, _ := run("members", "list")
			wantLine(t, list, "new1@example.org", "New One")
			wantLine(t, list, "zoe.lindqvist@example.org", "Zoe Renamed")
			if strings.Contains(list, "New Again") || strings.Contains(strings.ToLower(list), "bad@") {
				t.Errorf("a skipped row went in:\n%s", list)
			}
		})
	}
}
