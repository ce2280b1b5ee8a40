package pdf

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/issue"
)

func TestTypesetWritesPDF(t *testing.T) {
	dir := t.TempDir()
	iss := testIssue(t, dir)
	var buf bytes.Buffer
	if err := Typeset(&buf, iss, Options{PageSize: os.Getenv("FOLIO_PDF_SIZE")}); err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("FOLIO_PDF_OUT"); out != "" {
		if err := os.WriteFile(filepath.Clean(out), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("output does not start with %%PDF-")
	}
}

// TestTypesetMatchesLayoutAndDraw checks that Typeset, which starts the
// document while the layout runs, writes the same bytes as Layout then
// Draw, both when the layout uses the faces it guessed and when it does not.
func TestTypesetMatchesLayoutAndDraw(t *testing.T) {
	dir := t.TempDir()
	base := testIssue(t, dir)
	withCode := *base
	withCode.Sections = append([]issue.Section(nil), base.Sections...)
	sec := withCode.Sections[0]
	r := *sec.Reviews[0]
	r.Body = append([]issue.Block{{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: "Run "}, {Text: "make maps", Style: issue.Code}, {Text: " first."}}}}, r.Body...)
	sec.Reviews = append([]*issue.Review{&r}, sec.Reviews[1:]...)
	withCode.Sections[0] = sec
	for _, tc := range []struct {
		name  string
		iss   *issue.Issue
		guess bool
	}{
		{"guessed faces", base, true},
		{"a face beyond the guess", &withCode, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Layout(tc.iss, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := doc.usedFaces() == likelyFaces(); got != tc.guess {
				t.Fatalf("layout uses the guessed faces: %v, want %v", got, tc.guess)
			}
			var drawn, typeset bytes.Buffer
			if err := doc.Draw(&drawn, tc.iss.Date); err != nil {
				t.Fatal(err)
			}
			if err := Typeset(&typeset, tc.iss, Options{}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(drawn.Bytes(), typeset.Bytes()) {
				t.Errorf("Typeset wrote %d bytes that differ from Layout+Draw's %d", typeset.Len(), drawn.Len())
			}
		})
	}
}

// TestTypesetOddText draws text that exercises the raw text runs: PDF
// string delimiters and escapes, characters beyond the Basic Multilingual
// Plane, right-to-left and CJK letters, in an issue of two reviews so the
// second body is set ahead on the other goroutine. The result must pass
// qpdf and give back the plain words.
func TestTypesetOddText(t *testing.T) {
	for _, text := range []string{
		`Parens (like these) and back\slashes \(escaped\) stay text`,
		"“Madres” paralelas — Almodóvar’s ★★★½☆ 映画 😀 עברית",
		"line\rbreak and\ttab",
	} {
		t.Run(text[:8], func(t *testing.T) {
			review := func(i int) *issue.Review {
				return &issue.Review{Source: fmt.Sprintf("odd%d.md", i), Slug: fmt.Sprintf("odd%d", i), Title: "Odd text", Section: "Film",
					Body: []issue.Block{p(text), p(strings.Repeat("Plain words fill the column. ", 40))}}
			}
			iss := &issue.Issue{Magazine: "Odd", Number: 1, Date: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
				Sections: []issue.Section{{Name: "Film", Reviews: []*issue.Review{review(1), review(2)}}}}
			var buf bytes.Buffer
			if err := Typeset(&buf, iss, Options{}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "odd.pdf")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			if out := tool(t, "qpdf", "--check", path); !strings.Contains(out, "No syntax or stream encoding errors") {
				t.Errorf("qpdf --check:\n%s", out)
			}
			got := strings.Join(strings.Fields(tool(t, "pdftotext", path, "-")), " ")
			for _, w := range []string{"Parens", "(like", "these)", "back\\slashes", "Almodóvar’s", "paralelas"} {
				if strings.Contains(text, w) && !strings.Contains(got, w) {
					t.Errorf("pdftotext lost %q", w)
				}
			}
		})
	}
}
