package pdf

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/markdown"
)

// sampleIssue is the bundled sample magazine's week 2026-W10, read from
// examples/ as folio build reads it.
func sampleIssue(t testing.TB) *issue.Issue {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	src := markdown.NewSource(filepath.Join("..", "..", "examples", "reviews"), loc, []string{"Film", "Stage", "Music", "Books"})
	week := issue.Week{Year: 2026, Num: 10}
	res, err := src.Collect(context.Background(), week, false)
	if err != nil {
		t.Fatal(err)
	}
	return issue.New(issue.Masthead{Name: "Folio Weekly", BaseURL: "https://weekly.example.org", Location: loc}, week, res.Sections)
}

// TestPagesAreFilled checks no page but the last is less than 60%
// filled, in the sample, the test issue and the benchmark's 40-page
// issue, and that the sample fits in 12 pages.
func TestPagesAreFilled(t *testing.T) {
	g, _ := newGeometry("")
	for _, tc := range []struct {
		name string
		iss  *issue.Issue
	}{
		{"sample", sampleIssue(t)},
		{"test issue", testIssue(t, t.TempDir())},
		{"reference issue", refIssue(t, 240, 160)},
		{"held-out week", heldOutIssue(t)},
	} {
		doc, err := Layout(tc.iss, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var fills []int
		for i, p := range doc.Pages[1:] { // the cover is a picture
			f := g.filled(p)
			fills = append(fills, int(f*100))
			if i < len(doc.Pages)-2 && f < 0.6 {
				t.Errorf("%s: page %d is %.0f%% filled, want at least 60%%", tc.name, p.Number, f*100)
			}
		}
		t.Logf("%s: %d pages, filled %v%%", tc.name, len(doc.Pages), fills)
		if tc.name == "sample" && len(doc.Pages) > 12 {
			t.Errorf("the sample issue has %d pages, want 12 or fewer", len(doc.Pages))
		}
	}
}
