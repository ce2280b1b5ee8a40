package pdf

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/issue"
)

// marksIssue is a one-review issue with a struck-through word, a long
// address as link text, and a Books review whose Opens line needs its
// section's label.
func marksIssue() *issue.Issue {
	long := "https://archive.example.org/notes/planetarium/2026/03/the-night-shift-production-notes.html?utm=1234567890"
	body := []issue.Block{
		{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: "The projector, which is "}, {Text: "never", Style: issue.Strike}, {Text: " rarely off, hums through every scene. " + strings.Repeat("The dome keeps turning above the seats. ", 6)}}},
		{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: "The production notes are at "}, {Text: long, URL: long}, {Text: ", and they run long. " + strings.Repeat("Every shift ends at dawn. ", 8)}}},
	}
	r := &issue.Review{Source: "marks.md", Slug: "marks", Title: "Night Shift", Section: "Books", Opens: "March 5 from Tidewater Press", Body: body}
	return &issue.Issue{Magazine: "Marks", Number: 1, Date: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
		Sections: []issue.Section{{Name: "Books", Reviews: []*issue.Review{r}}}}
}

func TestStrikeIsDrawn(t *testing.T) {
	doc, err := Layout(marksIssue(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range doc.Pages {
		for i, it := range p.Items {
			if it.Kind != KText || strings.TrimSpace(it.Text) != "never" {
				continue
			}
			// A rule across the word, between its baseline and x-height.
			for _, r := range p.Items[i+1:] {
				if r.Kind == KRule && r.H == 0 && r.X == it.X && r.W == it.W && r.Y < it.Y && r.Y > it.Y-it.Size*0.5 {
					found = true
				}
			}
		}
	}
	if !found {
		t.Error("no strike rule across the struck-through word")
	}
}

func TestAddressesBreakWithoutHyphens(t *testing.T) {
	iss := marksIssue()
	doc, err := Layout(iss, Options{})
	if err != nil {
		t.Fatal(err)
	}
	long := iss.Sections[0].Reviews[0].Body[1].Inlines[1].Text
	// The link's pieces, in the link colour, put together are the address
	// as written: nothing added at the breaks.
	var parts []string
	for _, p := range doc.Pages {
		for _, it := range p.Items {
			if it.Kind == KText && it.Color == accent && it.Size == 10 && strings.Contains(long, it.Text) {
				parts = append(parts, it.Text)
			}
		}
	}
	if len(parts) < 2 || strings.Join(parts, "") != long {
		t.Errorf("the address is set as %q, want it broken without additions into %q", parts, long)
	}
	// It breaks only after a slash, a dot, a hyphen or a query's
	// punctuation, never inside a word of it.
	for _, p := range parts[:max(0, len(parts)-1)] {
		if !strings.ContainsAny(p[len(p)-1:], "/.-?&=_#") {
			t.Errorf("the address breaks after %q, inside a word: %q", p, parts)
		}
	}
	var buf bytes.Buffer
	if err := doc.Draw(&buf, iss.Date); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "marks.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, path, 0, 0)
	if !strings.Contains(text, long+",") {
		t.Errorf("pdftotext does not give the address whole:\n%s", text)
	}
	if !strings.Contains(normalize(text), "which is never rarely off") {
		t.Errorf("struck-through words lost:\n%s", text)
	}
	if !strings.Contains(normalize(text), "Published: March 5 from Tidewater Press") {
		t.Errorf("the Books review's Opens line is not labelled Published:\n%s", text)
	}
}
