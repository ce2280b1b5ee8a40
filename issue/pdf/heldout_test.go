package pdf

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/markdown"
)

// heldOutIssue is the week in testdata/heldout (2026-W11), written to be
// awkward: one photo in the whole week, a long address, Chinese, Japanese
// and Korean names, struck words, emoji, and a lead-in before a list.
func heldOutIssue(t testing.TB) *issue.Issue {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	week := issue.Week{Year: 2026, Num: 11}
	src := markdown.NewSource(filepath.Join("..", "..", "testdata", "heldout", "reviews"), loc, []string{"Film", "Stage", "Music", "Books"})
	res, err := src.Collect(context.Background(), week, false)
	if err != nil {
		t.Fatal(err)
	}
	return issue.New(issue.Masthead{Name: "Folio Weekly", BaseURL: "https://weekly.example.org", Location: loc}, week, res.Sections)
}

// TestHeldOutWeek sets the held-out week and checks what it was written
// to catch: the lone photo stays a thumbnail in the contents, the address
// breaks only at its punctuation, struck words are struck, CJK prints in
// its face, emoji become words, and no cover warning for a photo that
// prints at 150 ppi or more.
func TestHeldOutWeek(t *testing.T) {
	g, _ := newGeometry("")
	iss := heldOutIssue(t)
	doc, err := Layout(iss, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Warnings) > 0 {
		t.Errorf("warnings: %q", doc.Warnings)
	}
	thumbs := 0
	for _, it := range doc.Pages[1].Items {
		if it.Kind == KImage && it.Clip {
			thumbs++
			if it.CW > g.textW/4 || it.CH > g.textW/4 {
				t.Errorf("the lone photo is %.0f×%.0f pt in the contents, want a thumbnail", it.CW, it.CH)
			}
		}
	}
	if thumbs != 1 {
		t.Errorf("%d contents thumbnails, want the lone photo's", thumbs)
	}
	const addr = "https://archive.example.org/films/rain-over-kanda/production-notes/2026/the-shop-interiors-and-the-street.html?utm=1234567890"
	var parts []string
	var ys []float64
	var all strings.Builder
	struck, cjk := false, false
	for _, p := range doc.Pages {
		for i, it := range p.Items {
			if it.Kind != KText {
				continue
			}
			all.WriteString(it.Text)
			if it.Color == accent && it.Size < 12 && strings.Contains(addr, it.Text) {
				parts = append(parts, it.Text)
				ys = append(ys, it.Y)
			}
			if strings.TrimSpace(it.Text) == "dying" {
				// A rule across the word, between its baseline and x-height.
				for _, r := range p.Items[i+1:] {
					struck = struck || r.Kind == KRule && r.H == 0 && r.X == it.X && r.W == it.W && r.Y < it.Y && r.Y > it.Y-it.Size*0.5
				}
			}
			cjk = cjk || it.Face == CJK && strings.Contains(it.Text, "陳")
		}
	}
	if strings.Join(parts, "") != addr || len(parts) < 2 {
		t.Errorf("the address is set as %q", parts)
	}
	for i := 0; i+1 < len(parts); i++ {
		if p := parts[i]; ys[i+1] != ys[i] && !strings.ContainsAny(p[len(p)-1:], "/.-?&=_#") {
			t.Errorf("the address breaks inside a word, after %q", p)
		}
	}
	if !struck {
		t.Error("“dying” is not struck through")
	}
	if !cjk {
		t.Error("陳 is not set in the CJK face")
	}
	text := strings.Join(strings.Fields(all.String()), "")
	for _, want := range []string{"[partypopper]", "[radio]", "한서진", "山中遥", "Tobefair,someofitstilldrags:"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q is missing from the page", want)
		}
	}
}
