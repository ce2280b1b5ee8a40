package publish

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/links"
	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/store"
)

var update = flag.Bool("update", false, "rewrite the golden .eml files in testdata/golden")

// normalize makes a message comparable: the PDF's base64 becomes a marker
// (the PDF's own bytes are the PDF package's golden; here it must only be
// a PDF). Everything else, MIME boundaries included, is deterministic.
// It scans for the part's header, its blank line and the next boundary
// (a lazy regular expression over megabytes of base64 cost seconds).
func normalize(b []byte) []byte {
	var out []byte
	for {
		i := bytes.Index(b, []byte("Content-Type: application/pdf"))
		if i < 0 {
			return append(out, b...)
		}
		j := bytes.Index(b[i:], []byte("\r\n\r\n"))
		if j < 0 {
			return append(out, b...)
		}
		body := i + j + 4
		k := bytes.Index(b[body:], []byte("\r\n--"))
		if k < 0 {
			return append(out, b...)
		}
		marker := "[base64 of a PDF]"
		if !bytes.HasPrefix(b[body:], []byte("JVBERi0")) { // "%PDF-"
			marker = "[NOT A PDF]"
		}
		out = append(append(out, b[:body]...), marker...)
		b = b[body+k:]
	}
}

// TestSampleMembersGolden renders the sample week for every eligible
// sample member, with a fixed clock and secret, and compares the .eml
// files with testdata/golden (go test ./publish -update rewrites them).
func TestSampleMembersGolden(t *testing.T) {
	ctx := context.Background()
	b := newBuilder(t, sampleReviews)
	built, err := b.Build(ctx, week10, false)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f, err := os.Open("../../examples/members.csv")
	if err != nil {
		t.Fatal(err)
	}
	members, rowErrs, err := member.ParseMembersCSV(f, "members.csv")
	if cerr := f.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	if err != nil || len(rowErrs) > 0 {
		t.Fatalf("sample members: %v %v", err, rowErrs)
	}
	if _, _, err := st.UpsertMembers(ctx, members); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC) }
	links := &links.Links{BaseURL: "https://weekly.example.org", Secret: []byte("golden-secret-0123456789"),
		TTL: 365 * 24 * time.Hour, List: "newsletter.weekly.example.org", Now: now, MailDomain: "bounces.weekly.example.org"}
	sender, err := delivery.NewSender(delivery.Options{
		Ledger: st, Transport: mailer.NewOutbox(t.TempDir()),
		Composer: &Composer{Built: built, Links: links, AttachMaxBytes: 5 << 20},
		From:     "Folio Weekly <issues@weekly.example.org>", ListID: links.List, Now: now,
		EnvelopeFrom: func(m member.Member, issueID string) string { return links.BounceAddress(m.ID, issueID) },
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	n, err := sender.DryRun(ctx, week10.String(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if n != 6 {
		t.Fatalf("dry run wrote %d messages, want the 6 active sample members", n)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	golden := filepath.Join("testdata", "golden")
	if *update {
		_ = os.RemoveAll(golden)
		if err := os.MkdirAll(golden, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		got := normalize(data)
		want := filepath.Join(golden, filepath.Base(file))
		if *update {
			if err := os.WriteFile(want, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		exp, err := os.ReadFile(want)
		if err != nil {
			t.Fatalf("%v (run go test ./publish -update)", err)
		}
		if !bytes.Equal(got, exp) {
			t.Errorf("%s differs from %s; run go test ./publish -update and review the diff", filepath.Base(file), want)
		}
	}
	if !*update {
		wants, _ := filepath.Glob(filepath.Join(golden, "*.eml"))
		if len(wants) != len(files) {
			t.Errorf("%d golden files, %d messages", len(wants), len(files))
		}
	}
}
