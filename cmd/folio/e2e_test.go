package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/markdown"
	"github.com/foliopress/folio/mailer/smtptest"
	"github.com/foliopress/folio/store/storetest"
)

const sampleWeek = "2026-W10"

// sample copies the bundled sample magazine into a fresh folder, so each
// test has its own database, outbox and issues.
func sample(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	src := filepath.Join("..", "..", "examples")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if rel == "issues" || rel == "outbox" || rel == "makephotos" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if strings.HasPrefix(d.Name(), "folio.db") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// newRootCmd is the CLI as main builds it, without main's memory bound
// (a process-wide limit would bound the test binary too).
func newRootCmd(stdout, stderr io.Writer, environ []string) *cobra.Command {
	return newCLI(stdout, stderr, environ).rootCmd()
}

// folio runs the CLI in process, as main does, and returns its output.
func folio(t *testing.T, env []string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := newRootCmd(&out, &errOut, env)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

type recipient struct {
	email, name, deliver string
	active               bool
}

func sampleMembers(t *testing.T, dir string) []recipient {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "members.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var out []recipient
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if i == 0 {
			continue
		}
		f := strings.Split(line, ",")
		out = append(out, recipient{email: f[0], name: f[1], active: f[3] == "active", deliver: f[4]})
	}
	return out
}

// TestSampleWeekEndToEnd runs the sample week on each store: SQLite at
// [store] path, and PostgreSQL through FOLIO_STORE_URL.
func TestSampleWeekEndToEnd(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			var env []string
			if engine == "postgres" {
				env = append(env, "FOLIO_STORE_URL="+storetest.Target(t, engine))
			}
			testSampleWeekEndToEnd(t, env)
		})
	}
}

func testSampleWeekEndToEnd(t *testing.T, env []string) {
	dir := sample(t)
	srv := smtptest.Start(t)
	env = append(env,
		"FOLIO_SMTP_HOST="+srv.Host, fmt.Sprintf("FOLIO_SMTP_PORT=%d", srv.Port), "FOLIO_SMTP_TLS=none",
		"FOLIO_SECRET=an-end-to-end-test-secret-of-some-length",
	)
	cfg := filepath.Join(dir, "folio.toml")
	// Søren reads on a Kindle: he takes the EPUB edition instead of the PDF.
	csvPath := filepath.Join(dir, "members.csv")
	csv, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	csv = bytes.Replace(csv, []byte("Søren Kjær,digital,active,attach"), []byte("Søren Kjær,digital,active,epub"), 1)
	if err := os.WriteFile(csvPath, csv, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _, err := folio(t, env, "members", "import", csvPath, "--config", cfg); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, stderr, err := folio(t, env, "run", "--week", sampleWeek, "--config", cfg)
	if err != nil {
		t.Fatalf("run: %v\n%s\n%s", err, out, stderr)
	}
	members := sampleMembers(t, dir)
	active := 0
	for _, m := range members {
		if m.active {
			active++
		}
	}
	epubReaders := 0
	for _, m := range members {
		if m.active && m.deliver == "epub" {
			epubReaders++
		}
	}
	if epubReaders != 1 {
		t.Fatalf("%d active members take the EPUB, want 1", epubReaders)
	}
	if active < 5 || active == len(members) {
		t.Fatalf("sample needs ≥5 active members and an inactive one; has %d of %d", active, len(members))
	}
	msgs := srv.Messages()
	if len(msgs) != active {
		t.Fatalf("relay got %d messages, want one per active member (%d)\n%s", len(msgs), active, out)
	}
	got := map[string]int{}
	ids := map[string]bool{}
	for _, msg := range msgs {
		for _, rcpt := range msg.To {
			got[strings.ToLower(rcpt)]++
		}
		if ids[msg.MessageID] {
			t.Errorf("Message-ID %s used twice", msg.MessageID)
		}
		ids[msg.MessageID] = true
		if !strings.HasSuffix(msg.MessageID, "@weekly.example.org>") {
			t.Errorf("Message-ID %s is not on the From domain", msg.MessageID)
		}
	}
	for _, m := range members {
		n := got[strings.ToLower(m.email)]
		switch {
		case m.active && n != 1:
			t.Errorf("%s received %d messages, want 1", m.email, n)
		case !m.active && n != 0:
			t.Errorf("inactive %s received %d messages", m.email, n)
		}
	}
	for _, msg := range msgs {
		rcpt := msg.To[0]
		var m recipient
		for _, x := range members {
			if strings.EqualFold(x.email, rcpt) {
				m = x
			}
		}
		parts := parseMessage(t, msg.Data)
		if !strings.Contains(parts.subject, "Folio Weekly") || !strings.Contains(parts.subject, "10") {
			t.Errorf("subject %q does not name the magazine and issue", parts.subject)
		}
		if m.deliver == "epub" {
			// The EPUB edition alone, named for the issue, as a Kindle
			// wants it: a zip whose first entry is its mimetype.
			if len(parts.pdf) != 0 {
				t.Errorf("%s takes the EPUB but got a PDF too", rcpt)
			}
			if !bytes.HasPrefix(parts.epub, []byte("PK\x03\x04")) || !bytes.Contains(parts.epub[:60], []byte("mimetypeapplication/epub+zip")) {
				t.Errorf("%s: no EPUB attached (%d bytes)", rcpt, len(parts.epub))
			}
			if parts.epubName != "folio-weekly-2026-W10.epub" {
				t.Errorf("%s: EPUB named %q", rcpt, parts.epubName)
			}
			if !strings.Contains(parts.text, "attached as an EPUB") || !strings.Contains(parts.html, "attached as an EPUB") {
				t.Errorf("%s: the email does not say the EPUB is attached", rcpt)
			}
		} else {
			if len(parts.pdf) == 0 || !bytes.HasPrefix(parts.pdf, []byte("%PDF-")) {
				t.Errorf("%s: no PDF attached", rcpt)
			}
			if len(parts.epub) != 0 {
				t.Errorf("%s: an EPUB attached to a PDF reader", rcpt)
			}
		}
		if m.name != "" && (!strings.Contains(parts.html, m.name) || !strings.Contains(parts.text, m.name)) {
			t.Errorf("%s: name %q not in the body", rcpt, m.name)
		}
		if parts.text == "" || parts.html == "" {
			t.Errorf("%s: missing text or HTML part", rcpt)
		}
	}

	// A second send of the same week sends nothing to members already sent.
	out, _, err = folio(t, env, "send", "--week", sampleWeek, "--config", cfg)
	if err != nil {
		t.Fatalf("second send: %v\n%s", err, out)
	}
	if n := len(srv.Messages()); n != active {
		t.Errorf("second send delivered %d more messages", n-active)
	}
	if !strings.Contains(out, "0 sent") {
		t.Errorf("second send summary: %q", out)
	}

	// --to sends one copy and leaves the ledger alone; so does --dry-run.
	if _, _, err := folio(t, env, "send", "--week", sampleWeek, "--to", "editor@example.org", "--config", cfg); err != nil {
		t.Fatal(err)
	}
	if msgs := srv.Messages(); len(msgs) != active+1 || msgs[active].To[0] != "editor@example.org" {
		t.Errorf("test send: %d messages", len(msgs))
	}
	dry := filepath.Join(dir, "dry")
	if _, _, err := folio(t, env, "send", "--week", sampleWeek, "--dry-run", "--dry-run-dir", dry, "--config", cfg); err != nil {
		t.Fatal(err)
	}
	emls, _ := filepath.Glob(filepath.Join(dry, "*.eml"))
	if len(emls) != active || len(srv.Messages()) != active+1 {
		t.Errorf("dry run wrote %d files (want %d) and the relay has %d messages", len(emls), active, len(srv.Messages()))
	}
	status, _, err := folio(t, env, "status", "--week", sampleWeek, "--config", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(fmt.Sprintf(`sent\s+%d\n`, active)).MatchString(status) {
		t.Errorf("status after --to and --dry-run:\n%s", status)
	}
}

type parsedMessage struct {
	subject, text, html string
	pdf, epub           []byte
	epubName            string
}

// parseMessage walks the MIME tree: multipart/mixed → multipart/alternative
// (text, html) + application/pdf or application/epub+zip.
func parseMessage(t *testing.T, data []byte) parsedMessage {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var p parsedMessage
	dec := new(mime.WordDecoder)
	p.subject, _ = dec.DecodeHeader(msg.Header.Get("Subject"))
	var walk func(ctype string, body io.Reader, enc string)
	walk = func(ctype string, body io.Reader, enc string) {
		mt, params, err := mime.ParseMediaType(ctype)
		if err != nil {
			t.Fatalf("content type %q: %v", ctype, err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				part, err := mr.NextRawPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if _, dp, err := mime.ParseMediaType(part.Header.Get("Content-Disposition")); err == nil && strings.HasSuffix(dp["filename"], ".epub") {
					p.epubName = dp["filename"]
				}
				walk(part.Header.Get("Content-Type"), part, part.Header.Get("Content-Transfer-Encoding"))
			}
		}
		raw, _ := io.ReadAll(decodeBody(body, enc))
		switch mt {
		case "text/plain":
			p.text = string(raw)
		case "text/html":
			p.html = string(raw)
		case "application/pdf":
			p.pdf = raw
		case "application/epub+zip":
			p.epub = raw
		}
	}
	walk(msg.Header.Get("Content-Type"), msg.Body, msg.Header.Get("Content-Transfer-Encoding"))
	return p
}

func TestSamplePDFHasEveryBodySentence(t *testing.T) {
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	// The magazine names the books' opens line itself; music keeps its
	// default.
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("\n[content.opens_labels]\nBooks = \"In the shops\"\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if out, _, err := folio(t, nil, "build", "--week", sampleWeek, "--config", cfg); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	pdfText, err := exec.Command("pdftotext", "-enc", "UTF-8", filepath.Join(dir, "issues", sampleWeek, issue.PDFFile), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (install poppler-utils): %v", err)
	}
	for _, label := range []string{"In the shops:", "Out:", "Opens:"} {
		if !bytes.Contains(pdfText, []byte(label)) {
			t.Errorf("the PDF has no %q line", label)
		}
	}
	if bytes.Contains(pdfText, []byte("Published:")) {
		t.Error("the books' opens line is still labelled Published, not [content.opens_labels]'s label")
	}
	haystack := words(string(pdfText))
	loc, _ := time.LoadLocation("America/New_York")
	week, _ := issue.ParseWeek(sampleWeek)
	res, err := markdown.NewSource(filepath.Join(dir, "reviews"), loc, nil).Collect(context.Background(), week, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Reviews) < 6 {
		t.Fatalf("sample week has %d reviews, want ≥ 6", len(res.Reviews))
	}
	checked := 0
	for _, r := range res.Reviews {
		for _, sentence := range sentences(issue.BodyText(r.Body)) {
			if !containsInOrder(haystack, words(sentence), 40) {
				t.Errorf("%s: sentence missing from the PDF text: %q", filepath.Base(r.Source), sentence)
			}
			checked++
		}
	}
	if checked < 50 {
		t.Fatalf("checked only %d sentences", checked)
	}
}

// words normalises text for comparison: hyphens go (a word broken at a
// line end and a hyphenated compound compare equal), whitespace splits,
// and a comma or full stop ending a word goes (the page shows a link's
// hidden address after its text, so "notes," prints as "notes (…),").
// Accents and curly quotes stay exact.
func words(s string) []string {
	s = strings.NewReplacer("-\n", "", "\u00ad", "", "-", "").Replace(s)
	f := strings.Fields(s)
	for i, w := range f {
		f[i] = strings.TrimRight(w, ",.;:")
	}
	return f
}

var sentenceEnd = regexp.MustCompile(`([.!?…][”’)]?)\s+`)

func sentences(text string) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		para = sentenceEnd.ReplaceAllString(para, "$1\x00")
		for _, s := range strings.Split(para, "\x00") {
			if s = strings.TrimSpace(s); len(strings.Fields(s)) >= 2 {
				out = append(out, s)
			}
		}
	}
	return out
}

// containsInOrder reports whether needle's words occur in haystack in
// order, each within gap words of the previous one (running headers,
// footers and pull quotes may interrupt a sentence at a page or column
// break).
func containsInOrder(haystack, needle []string, gap int) bool {
	if len(needle) == 0 {
		return true
	}
	for start := range haystack {
		if haystack[start] != needle[0] {
			continue
		}
		pos, ok := start, true
		for _, w := range needle[1:] {
			found := false
			for j := pos + 1; j < len(haystack) && j <= pos+gap; j++ {
				if haystack[j] == w {
					pos, found = j, true
					break
				}
			}
			if !found {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// TestSampleBuildIsReproducible: two builds of the same week are
// byte-identical, though every sample photo has the same width (fpdf
// itself wrote equal-width images in random map order; see third_party).
func TestSampleBuildIsReproducible(t *testing.T) {
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	var pdfs [][]byte
	for _, out := range []string{"a", "b", "c"} {
		if _, _, err := folio(t, nil, "build", "--week", sampleWeek, "--out", filepath.Join(dir, out), "--config", cfg); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dir, out, sampleWeek, issue.PDFFile))
		if err != nil {
			t.Fatal(err)
		}
		pdfs = append(pdfs, data)
	}
	if !bytes.Equal(pdfs[0], pdfs[1]) || !bytes.Equal(pdfs[0], pdfs[2]) {
		t.Fatal("two builds of the same week differ")
	}
}
