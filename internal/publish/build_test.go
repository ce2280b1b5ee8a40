package publish

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/artifact"
	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/epub"
	"github.com/foliopress/folio/issue/markdown"
	"github.com/foliopress/folio/issue/newsletter"
	"github.com/foliopress/folio/issue/pdf"
)

var week10 = issue.Week{Year: 2026, Num: 10}

func newBuilder(t *testing.T, reviews string) *Builder {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	r, err := newsletter.New(newsletter.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "issues")
	folder, err := artifact.OpenFolder(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = folder.Close() })
	return &Builder{
		Source:    markdown.NewSource(reviews, loc, []string{"Film", "Stage", "Music", "Books"}),
		Masthead:  issue.Masthead{Name: "Folio Weekly", BaseURL: "https://weekly.example.org", Location: loc},
		Artifacts: folder,
		Renderer:  r,
		Sample: newsletter.Recipient{Name: "Sample Reader", Email: "reader@example.org", PDFAttached: true,
			ArchiveURL: "https://weekly.example.org/archive/x", UnsubscribeURL: "https://weekly.example.org/u/x"},
	}
}

const sampleReviews = "../../examples/reviews"

func TestBuildWritesTheIssueFolder(t *testing.T) {
	b := newBuilder(t, sampleReviews)
	built, err := b.Build(context.Background(), week10, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{issue.PDFFile, epub.File, issue.WebFile, EmailHTMLFile, EmailTextFile, ManifestFile, "images/the-salt-orchard.jpg"} {
		if _, err := os.Stat(filepath.Join(built.Dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	onDisk, _ := os.ReadFile(filepath.Join(built.Dir, issue.PDFFile))
	if !bytes.Equal(built.PDF, onDisk) || built.PDFSize != int64(len(onDisk)) || len(onDisk) == 0 {
		t.Errorf("Built.PDF (%d bytes, size %d) is not issue.pdf (%d bytes)", len(built.PDF), built.PDFSize, len(onDisk))
	}
	html, _ := os.ReadFile(filepath.Join(built.Dir, EmailHTMLFile))
	if !strings.Contains(string(html), "Sample Reader") {
		t.Error("email.html is not rendered for the sample member")
	}
	// No temporary or old folders are left beside the issue.
	entries, _ := os.ReadDir(outDir(b))
	entries = visible(entries)
	if len(entries) != 1 || entries[0].Name() != week10.String() {
		t.Errorf("out dir holds %v", entries)
	}

	// Load reads the same issue back, photos resolved inside the folder.
	loaded, rebuilt, err := b.Load(context.Background(), week10, false)
	if err != nil || rebuilt {
		t.Fatalf("load: rebuilt=%v err=%v", rebuilt, err)
	}
	if !bytes.Equal(loaded.PDF, built.PDF) || !bytes.Equal(loaded.EPUB, built.EPUB) || len(built.EPUB) == 0 || len(loaded.Issue.Reviews()) != len(built.Issue.Reviews()) {
		t.Error("loaded issue differs from the built one")
	}
	for _, r := range loaded.Issue.Reviews() {
		if r.Photo != nil && !strings.HasPrefix(r.Photo.Path, built.Dir) {
			t.Errorf("photo %s not resolved inside the issue folder", r.Photo.Path)
		}
	}
	// A rebuild replaces the folder whole.
	if _, err := b.Build(context.Background(), week10, false); err != nil {
		t.Fatal(err)
	}
	entries, _ = os.ReadDir(outDir(b))
	entries = visible(entries)
	if len(entries) != 1 {
		t.Errorf("after a rebuild the out dir holds %v", entries)
	}
}

// TestBuildFolderOnly: folio build wants only the folder, so the PDF is
// streamed to its file and not read back; a typesetter prepared for other
// options than the builder's is replaced, not used.
func TestBuildFolderOnly(t *testing.T) {
	b := newBuilder(t, sampleReviews)
	b.FolderOnly = true
	built, err := b.BuildWith(context.Background(), pdf.Prepare(context.Background(), pdf.Options{PageSize: "a4"}), week10, false)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(built.Dir, issue.PDFFile))
	if err != nil || built.PDF != nil || built.PDFSize != st.Size() {
		t.Fatalf("PDF %d bytes in memory, size %d; on disk %v, %v", len(built.PDF), built.PDFSize, st, err)
	}
	data, _ := os.ReadFile(filepath.Join(built.Dir, issue.PDFFile))
	if !bytes.Contains(data, []byte("/MediaBox [0 0 612.00 792.00]")) {
		t.Error("the PDF is not letter-sized, as the builder's options say")
	}
}

func TestBuildEmptyWeekWritesNothing(t *testing.T) {
	b := newBuilder(t, sampleReviews)
	_, err := b.Build(context.Background(), issue.Week{Year: 2026, Num: 30}, false)
	if !errors.Is(err, ErrEmptyWeek) {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(outDir(b)); err == nil {
		entries, _ := os.ReadDir(outDir(b))
		if len(entries) > 0 {
			t.Errorf("empty week wrote %v", entries)
		}
	}
}

func TestFailedBuildKeepsThePreviousIssue(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "r.md")
	good := "---\ntitle: Good\nsection: Film\npublished: 2026-03-03\n---\nA fine body.\n"
	if err := os.WriteFile(src, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	b := newBuilder(t, dir)
	built, err := b.Build(context.Background(), week10, false)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(built.Dir, issue.PDFFile))
	if err := os.WriteFile(src, []byte(strings.Replace(good, "title: Good\n", "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Build(context.Background(), week10, false); err == nil {
		t.Fatal("broken review built")
	}
	after, err := os.ReadFile(filepath.Join(built.Dir, issue.PDFFile))
	if err != nil || !bytes.Equal(before, after) {
		t.Error("a failed build damaged the previous issue")
	}
}

// outDir is the folder a test builder builds into.
func outDir(b *Builder) string {
	return filepath.Dir(b.Artifacts.(*artifact.Folder).Path(week10.String()))
}

// visible lists the entries of dir that are not dot-files (locks).
func visible(entries []os.DirEntry) []os.DirEntry {
	var out []os.DirEntry
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") || strings.Contains(e.Name(), ".tmp-") {
			out = append(out, e)
		}
	}
	return out
}

type fakeLinks struct{}

func (fakeLinks) Unsubscribe(m member.Member) string { return "https://weekly.example.org/u/t" }
func (fakeLinks) Archive(m member.Member) string     { return "https://weekly.example.org/archive/t" }

func TestComposerAttachOrLink(t *testing.T) {
	b := newBuilder(t, sampleReviews)
	built, err := b.Build(context.Background(), week10, false)
	if err != nil {
		t.Fatal(err)
	}
	big := len(built.PDF) - 1
	tests := []struct {
		name   string
		pref   string
		max    int
		attach bool
	}{
		{"default under the limit", "", len(built.PDF), true},
		{"default over the limit", "", big, false},
		{"no limit", "", 0, true},
		{"member wants a link", member.DeliverLink, 0, false},
		{"member wants the file", member.DeliverAttach, big, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &Composer{Built: built, Links: fakeLinks{}, AttachMaxBytes: tc.max}
			content, err := c.Compose(context.Background(), member.Member{ID: 7, Email: "a@example.org", Name: "Zoë", DeliverPDF: tc.pref})
			if err != nil {
				t.Fatal(err)
			}
			attached := len(content.Attachments) == 1 && content.Attachments[0].ContentType == "application/pdf"
			if attached != tc.attach {
				t.Fatalf("attached = %v, want %v", attached, tc.attach)
			}
			if attached && content.Attachments[0].Name != "folio-weekly-2026-W10.pdf" {
				t.Errorf("attachment name %q", content.Attachments[0].Name)
			}
			text, html := strings.Join(content.TextParts, ""), strings.Join(content.HTMLParts, "")
			if personal := "https://weekly.example.org/archive/t/2026-W10/issue.pdf"; !attached && !strings.Contains(text, personal) {
				t.Errorf("personal PDF link %s missing from the text part", personal)
			}
			if !strings.Contains(html, "Zoë") || content.UnsubscribeURL == "" || content.Subject == "" {
				t.Error("content is not personal or lacks subject/unsubscribe")
			}
		})
	}
}

// TestComposerAttachesTheEPUB: a member whose deliver_pdf is "epub" gets
// the EPUB edition attached in place of the PDF, and the email says so.
func TestComposerAttachesTheEPUB(t *testing.T) {
	b := newBuilder(t, sampleReviews)
	built, err := b.Build(context.Background(), week10, false)
	if err != nil {
		t.Fatal(err)
	}
	c := &Composer{Built: built, Links: fakeLinks{}}
	content, err := c.Compose(context.Background(), member.Member{ID: 7, Email: "a@example.org", Name: "Zoë", DeliverPDF: member.DeliverEPUB})
	if err != nil {
		t.Fatal(err)
	}
	if len(content.Attachments) != 1 || content.Attachments[0].ContentType != "application/epub+zip" ||
		content.Attachments[0].Name != "folio-weekly-2026-W10.epub" || !bytes.Equal(content.Attachments[0].Data, built.EPUB) {
		t.Fatalf("attachments %+v, want the EPUB alone", content.Attachments)
	}
	if text := strings.Join(content.TextParts, ""); !strings.Contains(text, "attached as an EPUB edition") || strings.Contains(text, "as a PDF") {
		t.Errorf("the text part does not say the EPUB is attached:\n%s", text)
	}
	// An issue built before EPUBs existed sends the PDF instead.
	old := *built
	old.EPUB = nil
	c = &Composer{Built: &old, Links: fakeLinks{}}
	content, err = c.Compose(context.Background(), member.Member{ID: 7, Email: "a@example.org", DeliverPDF: member.DeliverEPUB})
	if err != nil {
		t.Fatal(err)
	}
	if len(content.Attachments) != 1 || content.Attachments[0].ContentType != "application/pdf" {
		t.Errorf("without an EPUB: attachments %+v, want the PDF", content.Attachments)
	}
}

// TestConcurrentBuildsQueue: builds of one week at once queue on the
// week's lock; every one succeeds and one whole issue is left.
func TestConcurrentBuildsQueue(t *testing.T) {
	b := newBuilder(t, sampleReviews)
	b.FolderOnly = true
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			_, err := b.Build(context.Background(), week10, false)
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Errorf("a concurrent build failed: %v", err)
		}
	}
	entries, _ := os.ReadDir(outDir(b))
	if v := visible(entries); len(v) != 1 || v[0].Name() != week10.String() {
		t.Errorf("out dir holds %v", v)
	}
	if _, err := b.LoadBuilt(context.Background(), week10); err != nil {
		t.Fatal(err)
	}
}
