package pdf

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/foliopress/folio/issue"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func TestQpdfCheckClean(t *testing.T) {
	b := buildIssue(t, Options{})
	out := tool(t, "qpdf", "--check", b.path)
	if !strings.Contains(out, "No syntax or stream encoding errors") {
		t.Errorf("qpdf --check:\n%s", out)
	}
}

func TestFontsEmbeddedWithUnicodeMaps(t *testing.T) {
	b := buildIssue(t, Options{})
	out := tool(t, "pdffonts", b.path)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 4 {
		t.Fatalf("pdffonts lists too few fonts:\n%s", out)
	}
	for _, ln := range lines[2:] {
		f := strings.Fields(ln)
		// name type... encoding emb sub uni object ID: emb, sub and uni
		// are the 5th, 4th and 3rd fields from the end.
		if len(f) < 6 || f[len(f)-5] != "yes" || f[len(f)-3] != "yes" {
			t.Errorf("font not embedded with a Unicode map: %s", ln)
		}
	}
}

// bodyParagraphs lists the plain text of every paragraph of a body,
// including those inside quotes and lists, as printed: a link whose text
// hides its address is followed by the address (TestShowURLs).
func bodyParagraphs(bs []issue.Block) []string {
	var out []string
	for _, b := range bs {
		switch b.Kind {
		case issue.Paragraph, issue.Heading:
			out = append(out, issue.Block{Kind: b.Kind, Inlines: showURLs(b.Inlines)}.PlainText())
		default:
			out = append(out, bodyParagraphs(b.Children)...)
		}
	}
	return out
}

func TestTextRoundTrip(t *testing.T) {
	b := buildIssue(t, Options{})
	text := bodyText(layerText(t, b.path))
	iss := testIssue(t, t.TempDir())
	want := []string{iss.Magazine, iss.DateLabel(), "Issue No. 42"}
	for _, r := range iss.Reviews() {
		want = append(want, r.Title, r.Deck, r.Byline, r.Opens, r.Certificate, r.Pullquote)
		for _, c := range r.Credits {
			want = append(want, c.Role+": "+c.Names)
		}
		if r.Photo != nil {
			want = append(want, r.Photo.Caption, r.Photo.Credit)
		}
		want = append(want, bodyParagraphs(r.Body)...)
	}
	// The sample's one link hides its address; the page shows it.
	want = append(want, "production’s notebook (northlight.example.com/notebook/cartographer), which")
	for _, w := range want {
		if w = normalize(w); w != "" && !strings.Contains(text, w) {
			t.Errorf("pdftotext lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("pdftotext (normalised):\n%s", text)
	}
}

// TestStarsReadAsWords checks every drawn rating extracts (and so reads
// aloud) as "4 out of 5 stars", never as a row of star glyphs.
func TestStarsReadAsWords(t *testing.T) {
	b := buildIssue(t, Options{})
	text := normalize(pdfText(t, b.path, 0, 0))
	iss := testIssue(t, t.TempDir())
	want := map[string]int{}
	for i, r := range iss.Reviews() {
		if r.Rating == nil {
			continue
		}
		times := 2 // the article and the contents
		if i < 3 {
			times++ // a cover line
		}
		want[r.Rating.Words()] += times
	}
	for words, n := range want {
		if got := strings.Count(" "+text, " "+words); got != n {
			t.Errorf("%q appears %d times, want %d", words, got, n)
		}
	}
	for _, glyph := range []string{"★", "☆"} {
		if strings.Contains(text, glyph) {
			t.Errorf("the text layer has %s: ratings must read as words", glyph)
		}
	}
}

func TestContentsPageNumbersAreRight(t *testing.T) {
	b := buildIssue(t, Options{})
	contents := normalize(pdfText(t, b.path, 2, 2))
	iss := testIssue(t, t.TempDir())
	for _, r := range iss.Reviews() {
		m := regexp.MustCompile(`(\d+) ` + regexp.QuoteMeta(r.Title)).FindStringSubmatch(contents)
		if m == nil {
			t.Errorf("contents has no page number before %q:\n%s", r.Title, contents)
			continue
		}
		n, _ := strconv.Atoi(m[1])
		page := normalize(pdfText(t, b.path, n, n))
		if !strings.Contains(page, r.Title) {
			t.Errorf("contents puts %q on page %d, which reads:\n%s", r.Title, n, page)
		}
	}
}

func TestGoldenText(t *testing.T) {
	b := buildIssue(t, Options{})
	got := pdfText(t, b.path, 0, 0)
	golden := filepath.Join("testdata", "issue.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("pdftotext differs from %s (run go test -update if the change is intended)", golden)
	}
}

func TestTypesetIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	iss := testIssue(t, dir)
	var a, b bytes.Buffer
	if err := Typeset(&a, iss, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Typeset(&b, iss, Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two builds of the same issue differ")
	}
}

func TestBadPhotoNamesTheFile(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, path string)
	}{
		{"missing", func(t *testing.T, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}},
		{"corrupt", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte("this is not a JPEG at all"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"gif", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss := testIssue(t, t.TempDir())
			r := iss.Sections[1].Reviews[0] // Music, with the PNG
			tt.setup(t, r.Photo.Path)
			err := Typeset(&bytes.Buffer{}, iss, Options{})
			if err == nil {
				t.Fatal("Typeset succeeded with a bad photo")
			}
			for _, want := range []string{"pdf: review " + r.Source, "photo " + r.Photo.Path} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %q", err, want)
				}
			}
		})
	}
}

func TestOptions(t *testing.T) {
	iss := testIssue(t, t.TempDir())
	if _, err := Layout(iss, Options{PageSize: "tabloid"}); !errors.Is(err, ErrPageSize) {
		t.Errorf("Layout(tabloid) = %v, want ErrPageSize", err)
	}
	if _, err := Layout(&issue.Issue{Magazine: "Empty"}, Options{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("Layout(empty issue) = %v, want ErrEmpty", err)
	}
	b := buildIssue(t, Options{PageSize: "A4", Author: "The Desk", Language: "en-GB"})
	info := tool(t, "pdfinfo", b.path)
	for _, want := range []string{"595.28 x 841.89 pts (A4)", "Author:          The Desk", "Title:           Folio Weekly — Issue 42, Week of March 2, 2026", "Keywords:        reviews, 2026-W10"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	if !bytes.Contains(b.pdf, []byte("/Lang (en-GB)")) {
		t.Error("the catalog does not carry /Lang (en-GB)")
	}
}

func TestShowURLs(t *testing.T) {
	link := func(text, url string) issue.Inline { return issue.Inline{Text: text, URL: url} }
	tests := []struct {
		name string
		in   []issue.Inline
		want string
	}{
		{"hidden address", []issue.Inline{{Text: "See "}, link("the notes", "https://example.org/notes/"), {Text: "."}},
			"See the notes (example.org/notes)."},
		{"address as text", []issue.Inline{link("https://example.org/x", "https://example.org/x")}, "https://example.org/x"},
		{"address without scheme", []issue.Inline{link("example.org/x", "https://example.org/x")}, "example.org/x"},
		{"mailto", []issue.Inline{{Text: "Write to "}, link("the desk", "mailto:desk@example.org")}, "Write to the desk (desk@example.org)"},
		{"link over two runs", []issue.Inline{link("a ", "https://e.org/a"), {Text: "bold", Style: issue.Bold, URL: "https://e.org/a"}},
			"a bold (e.org/a)"},
		{"no links", []issue.Inline{{Text: "Plain."}}, "Plain."},
	}
	for _, tc := range tests {
		got := issue.Block{Kind: issue.Paragraph, Inlines: showURLs(tc.in)}.PlainText()
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	// The shown address is itself a link, and a hard break stays after it.
	out := showURLs([]issue.Inline{link("here", "https://e.org/h"), {Text: "next"}})
	if len(out) != 3 || out[1].URL != "https://e.org/h" {
		t.Errorf("shown address is not a link: %+v", out)
	}
	out = showURLs([]issue.Inline{{Text: "here", URL: "https://e.org/h", Break: true}})
	if out[0].Break || !out[1].Break {
		t.Errorf("hard break moved: %+v", out)
	}
}
