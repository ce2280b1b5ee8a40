package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/store"
)

// The inbound corpus (internal/inbound/testdata/corpus) was made with this
// secret for members 1 to 12 of corpusEmails, sent 2026-W10.
const corpusSecret = "inbound-corpus-secret-0123456789"

var corpusEmails = []string{
	"ada.lovelace@example.org", "boris.pasternak@mail.example.net", "chidi.okafor@example.com",
	"dagny.holm@example.org", "emeka.eze@gmail.example", "fatima.zahra@example.net",
	"goran.novak@yahoo.example", "hana.sato@outlook.example", "ivan.petrov@example.org",
	"jun.park@example.org", "kofi.mensah@example.com", "lea.moreau@example.fr",
}

var corpusDir = filepath.Join("..", "..", "internal", "inbound", "testdata", "corpus")

// corpusMagazine is the sample magazine with the corpus's members, each
// sent 2026-W10 (so the ledger knows their Message-IDs).
func corpusMagazine(t *testing.T) (dir, cfg string) {
	t.Helper()
	dir = sample(t)
	cfg = filepath.Join(dir, "folio.toml")
	var csv strings.Builder
	csv.WriteString("email,name,tier,status\n")
	for _, e := range corpusEmails {
		fmt.Fprintf(&csv, "%s,,print+digital,active\n", e)
	}
	file := filepath.Join(dir, "corpus.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	mustFolio(t, "members", "import", file, "--config", cfg)
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	if _, err := st.EnsureDeliveries(ctx, sampleWeek, delivery.Audience{}, now); err != nil {
		t.Fatal(err)
	}
	claims, err := st.Claim(ctx, sampleWeek, "t", 100, now, now.Add(time.Minute), func(m member.Member) string {
		return mailer.MessageID(sampleWeek, m.ID, "weekly.example.org")
	})
	if err != nil || len(claims) != len(corpusEmails) {
		t.Fatalf("%d claims: %v", len(claims), err)
	}
	var outs []delivery.Outcome
	for _, c := range claims {
		outs = append(outs, delivery.Outcome{MemberID: c.MemberID, State: delivery.StateSent, Reply: "250 ok"})
	}
	if err := st.Record(ctx, sampleWeek, "t", outs, now); err != nil {
		t.Fatal(err)
	}
	return dir, cfg
}

// mbox writes the corpus as one mbox, ">From "-quoting body lines.
func mbox(t *testing.T, path string) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("From MAILER-DAEMON Fri Mar  6 07:02:11 2026\n")
		for _, line := range strings.SplitAfter(string(raw), "\n") {
			if strings.HasPrefix(strings.TrimLeft(line, ">"), "From ") {
				b.WriteString(">")
			}
			b.WriteString(line)
		}
		b.WriteString("\n")
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return len(files)
}

func TestInboundCommand(t *testing.T) {
	dir, cfg := corpusMagazine(t)
	env := []string{"FOLIO_SECRET=" + corpusSecret}
	run := func(args ...string) string {
		t.Helper()
		out, stderr, err := folio(t, env, append(args, "--config", cfg)...)
		if err != nil {
			t.Fatalf("folio %v: %v\n%s%s", args, err, out, stderr)
		}
		return out
	}
	box := filepath.Join(dir, "bounces.mbox")
	n := mbox(t, box)
	out := run("inbound", box)
	wantLines(t, out,
		fmt.Sprintf("%d messages: 12 acted on, 1 ignored, 4 kept aside, 0 already processed", n),
		": bounce acted member 1: bounced", ": complaint acted member 7: unsubscribed (complaint)",
		": unsubscribe acted member 10: unsubscribed", ": bounce acted member 9: soft bounce 1 of 3 in a row",
		": malformed kept: inbound: malformed message: multipart/report without a boundary")
	list := run("members", "list")
	for _, want := range []string{"ada.lovelace@example.org", "bounced", "jun.park@example.org", "unsubscribed"} {
		if !strings.Contains(list, want) {
			t.Errorf("members list lacks %q:\n%s", want, list)
		}
	}
	// Fed again, one file at a time: acted on once only.
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	out = run(append([]string{"inbound"}, files...)...)
	wantLines(t, out, fmt.Sprintf("%d messages: 0 acted on, 0 ignored, 0 kept aside, %d already processed", n, n))
	// The kept messages, listed and written out.
	kept := filepath.Join(dir, "kept")
	out = run("inbound", "--list-kept", "--kept-out", kept)
	wantLines(t, out, "4 messages kept aside", "a bounce for a message we did not send", "an automatic reply")
	if got, _ := filepath.Glob(filepath.Join(kept, "*.eml")); len(got) != 4 {
		t.Errorf("kept-out wrote %d files", len(got))
	}
	wantLine(t, run("members", "history", "ada.lovelace@example.org"), "status", "active → bounced", "5.1.1", "dsn file bounces.mbox")
}

// TestInboundPipe runs folio as a Postfix pipe transport would: the
// message on standard input, the envelope in the arguments; a store it
// cannot open exits 75 so Postfix tries again later.
func TestInboundPipe(t *testing.T) {
	dir, cfg := corpusMagazine(t)
	pipe := func(cfgPath string, msg []byte, args ...string) (string, int) {
		t.Helper()
		cmd := exec.Command(binary(t), append([]string{"inbound", "--config", cfgPath}, args...)...)
		cmd.Env = append(os.Environ(), "FOLIO_SECRET="+corpusSecret)
		cmd.Stdin = bytes.NewReader(msg)
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return o.String() + e.String(), code
	}
	// The mailto unsubscribe, with its recipient only in the envelope.
	msg := []byte("From: Jun Park <jun.park@example.org>\nTo: Folio Weekly <issues@weekly.example.org>\nSubject: please stop\nMessage-ID: <stop-1@example.org>\n\nThanks.\n")
	out, code := pipe(cfg, msg, "--sender", "jun.park@example.org", "--recipient", "unsubscribe+bijqsajntxxdp6i@bounces.weekly.example.org", "-")
	if code != 0 || !strings.Contains(out, "unsubscribe acted member 10") {
		t.Fatalf("pipe: %d\n%s", code, out)
	}
	// A huge message is kept aside unread (its head only).
	huge := append([]byte("From: x@example.net\nSubject: huge\n\n"), bytes.Repeat([]byte("y"), 11<<20)...)
	out, code = pipe(cfg, huge, "-")
	if code != 0 || !strings.Contains(out, "malformed kept: too big: 11534371 bytes") {
		t.Fatalf("huge: %d\n%s", code, out)
	}
	// The store is gone: exit 75.
	toml, _ := os.ReadFile(cfg)
	broken := filepath.Join(dir, "broken.toml")
	if err := os.WriteFile(broken, []byte(strings.Replace(string(toml), `path = "folio.db"`, `path = "missing/folio.db"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, code := pipe(broken, msg, "-"); code != 75 {
		t.Errorf("missing store: exit %d, want 75\n%s", code, out)
	}
}
