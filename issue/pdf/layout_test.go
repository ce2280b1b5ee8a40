package pdf

import (
	"strings"
	"testing"
)

// pageText joins the extractable text items of a page.
func pageText(p Page) string {
	var sb strings.Builder
	for _, it := range p.Items {
		if it.Kind == KText {
			sb.WriteString(it.Text)
			sb.WriteByte(' ')
		}
	}
	return sb.String()
}

func TestLayoutPlacesArticles(t *testing.T) {
	iss := testIssue(t, t.TempDir())
	doc, err := Layout(iss, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d pages, stats %+v", len(doc.Pages), doc.Stats)
	if len(doc.Articles) != len(iss.Reviews()) {
		t.Fatalf("%d articles placed, want %d", len(doc.Articles), len(iss.Reviews()))
	}
	prev := 2
	for i, a := range doc.Articles {
		if a.Page < prev || (a.Page == prev && a.Y == 0) {
			t.Errorf("article %d %q starts on page %d at y %.0f, before the end of page %d", i, a.Title, a.Page, a.Y, prev)
		}
		prev = a.Page
		first := strings.Fields(a.Title)[0]
		if !strings.Contains(pageText(doc.Pages[a.Page-1]), first) {
			t.Errorf("page %d lacks the title %q", a.Page, a.Title)
		}
	}
	// The long Books review runs over more than one page.
	books := doc.Articles[3]
	if books.Title != "The Lighthouse Years" || doc.Articles[4].Page-books.Page < 1 {
		t.Errorf("the Books review spans pages %d to %d, want at least two", books.Page, doc.Articles[4].Page)
	}
	// Reviews run on: some article starts below the end of the one before.
	shared := 0
	for _, a := range doc.Articles {
		if a.Y > 0 {
			shared++
		}
	}
	if shared == 0 {
		t.Error("every article starts a page; short ones should run on under the one before")
	}
}

func TestLayoutKeepsTextInsideColumns(t *testing.T) {
	iss := testIssue(t, t.TempDir())
	doc, err := Layout(iss, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, _ := newGeometry("")
	for _, p := range doc.Pages[2:] { // article pages
		for _, it := range p.Items {
			if it.Kind != KText || it.Size != g.body || it.Y < g.top+300 {
				continue
			}
			inCol1 := it.X >= g.left-0.01 && it.X+it.W <= g.left+g.colW+0.01
			x2 := g.left + g.colW + g.gutter
			inCol2 := it.X >= x2-0.01 && it.X+it.W <= x2+g.colW+0.01
			if !inCol1 && !inCol2 {
				t.Errorf("page %d: %q at x %.1f–%.1f is in no column", p.Number, it.Text, it.X, it.X+it.W)
			}
			if it.Y > g.bottom {
				t.Errorf("page %d: %q at y %.1f is below the text block", p.Number, it.Text, it.Y)
			}
		}
	}
}

func TestLayoutLineQuality(t *testing.T) {
	iss := testIssue(t, t.TempDir())
	doc, err := Layout(iss, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := doc.Stats
	if s.Lines < 100 {
		t.Fatalf("only %d justified lines counted", s.Lines)
	}
	// The breaker's first pass accepts ratios up to 1.26 (badness 200);
	// a paragraph with no such solution takes looser passes, but no line
	// may stretch its spaces past 2.5 times their stretch, and few past 1.
	if s.MaxRatio > 2.5 || s.Emergencies > 0 {
		t.Errorf("loosest line has ratio %.2f (%d emergencies), want at most 2.5", s.MaxRatio, s.Emergencies)
	}
	if float64(s.LooseLines) > 0.1*float64(s.Lines) {
		t.Errorf("%d of %d lines are loose (ratio > 1), want under 10%%", s.LooseLines, s.Lines)
	}
}

func TestLayoutDropCapExtractsWholeWord(t *testing.T) {
	iss := testIssue(t, t.TempDir())
	doc, err := Layout(iss, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var actual []string
	for _, p := range doc.Pages {
		for _, it := range p.Items {
			if it.Kind == KSpanBegin && it.Actual != "" {
				actual = append(actual, it.Actual)
			}
		}
	}
	want := []string{"“Maps", "Élodie", "Ingrid", "The"}
	for _, w := range want {
		found := false
		for _, a := range actual {
			found = found || a == w || strings.HasPrefix(a, w+" ")
		}
		if !found {
			t.Errorf("no drop cap extracts as %q (got %q)", w, actual)
		}
	}
}
