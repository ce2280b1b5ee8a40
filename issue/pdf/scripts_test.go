package pdf

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/issue"
)

// scriptsIssue has Chinese, Japanese and Korean text, emoji and other
// scripts in a title, the credits, a caption-less body and a byline.
func scriptsIssue() *issue.Issue {
	r := &issue.Review{
		Source: "scripts.md", Slug: "scripts", Section: "Film",
		Title:   "映画館の夜 — Night at the Cinema 🎬",
		Byline:  "李小龍 and Ελένη Παππά",
		Credits: []issue.Credit{{Role: "Director", Names: "是枝裕和 (Hirokazu Kore-eda)"}, {Role: "Starring", Names: "송강호, Юлия Снигирь 👩‍🚀"}},
		Body: []issue.Block{
			{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: "The title card reads 映画館の夜, and the film is 😀 from start to finish: 是枝裕和 films a cinema at night as if it were a lighthouse. 한국어 자막도 있습니다. Москва appears once. " + strings.Repeat("The projector hums on. ", 12)}}},
			{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: "最後の場面は長く、静かで、美しい。観客は誰も席を立たなかった。映画が終わっても、しばらくの間、劇場は暗いままだった。"}}},
		},
	}
	return &issue.Issue{Magazine: "Scripts", Number: 1, Date: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
		Sections: []issue.Section{{Name: "Film", Reviews: []*issue.Review{r}}}}
}

// TestEveryCharacterPrints checks that no character vanishes: each is
// drawn by a face that has it (CJK by Droid Sans Fallback), an emoji is
// replaced by its name, and the whole reads back from the PDF.
func TestEveryCharacterPrints(t *testing.T) {
	iss := scriptsIssue()
	doc, err := Layout(iss, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cjk := false
	for _, p := range doc.Pages {
		for _, it := range p.Items {
			if it.Kind != KText {
				continue
			}
			for _, r := range it.Text {
				if r != ' ' && !doc.fonts.has(it.Face, r) {
					t.Errorf("page %d: %q is drawn in face %d, which lacks %q", p.Number, it.Text, it.Face, r)
				}
			}
			cjk = cjk || it.Face == CJK
		}
	}
	if !cjk {
		t.Error("no text is set in the CJK face")
	}
	var buf bytes.Buffer
	if err := doc.Draw(&buf, iss.Date); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "scripts.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdfText(t, path, 0, 0)), "")
	for _, want := range []string{"映画館の夜", "李小龍", "是枝裕和", "송강호", "한국어자막도있습니다", "Москва", "[grinningface]", "[clapperboard]", "[woman][rocket]", "観客は誰も席を立たなかった", "ΕλένηΠαππά"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext lacks %q in %s", want, text)
		}
	}
	if out := tool(t, "pdffonts", path); !strings.Contains(out, "utf8cjk") {
		t.Errorf("the CJK face is not embedded:\n%s", out)
	}
}

// TestNoTextOverlaps checks that no two text items on a baseline print
// over each other, across the sample-like issue and the scripts issue.
func TestNoTextOverlaps(t *testing.T) {
	for name, iss := range map[string]*issue.Issue{"test issue": testIssue(t, t.TempDir()), "scripts": scriptsIssue(), "held-out week": heldOutIssue(t)} {
		doc, err := Layout(iss, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range doc.Pages {
			byLine := map[float64][]Item{}
			for _, it := range p.Items {
				if it.Kind == KText && !it.Invisible && it.W > 0 {
					byLine[it.Y] = append(byLine[it.Y], it)
				}
			}
			for _, items := range byLine {
				sort.Slice(items, func(i, j int) bool { return items[i].X < items[j].X })
				for i := 1; i < len(items); i++ {
					a, b := items[i-1], items[i]
					if b.X < a.X+a.W-0.5 {
						t.Errorf("%s page %d: %q (%.1f–%.1f) overlaps %q (from %.1f)", name, p.Number, a.Text, a.X, a.X+a.W, b.Text, b.X)
					}
				}
			}
		}
	}
}
