package pdf

import (
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/foliopress/folio/issue"
)

// benchIssue is the reference issue: twelve reviews in four sections,
// each with a 1600×1067 JPEG and a body of some two and a half pages,
// about forty pages in all.
func benchIssue(b testing.TB) *issue.Issue { return refIssue(b, 1600, 1067) }

// refIssue is the reference issue with photos of w×h pixels: the layout
// depends only on their shape, so tests use small ones.
func refIssue(b testing.TB, w, h int) *issue.Issue {
	b.Helper()
	dir := b.TempDir()
	body := append(longBody(), longBody()...)
	sections := []string{"Film", "Music", "Books", "Stage"}
	iss := &issue.Issue{Magazine: "Folio Weekly", Week: issue.Week{Year: 2026, Num: 10}, Number: 42,
		Date: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), BaseURL: "https://weekly.example.org"}
	for s, name := range sections {
		sec := issue.Section{Name: name}
		for k := range 3 {
			i := s*3 + k
			path := filepath.Join(dir, fmt.Sprintf("photo%d.jpg", i))
			writePhoto(b, path, w, h, float64(i))
			sec.Reviews = append(sec.Reviews, &issue.Review{
				Source: fmt.Sprintf("reviews/r%d.md", i), Slug: fmt.Sprintf("r%d", i), Section: name,
				Title: fmt.Sprintf("The Lighthouse Years, Part %d", i+1), Deck: "Thirty years, four keepers and one lamp on the Norwegian coast",
				Byline: "Margarethe Voß", Rating: rating(float64(i%11) / 2), Credits: []issue.Credit{{Role: "Publisher", Names: "Harbour & Vane"}},
				Pullquote: "“The lamp is the one constant.”",
				Photo:     &issue.Photo{Path: path, Caption: "A lighthouse at dusk.", Credit: "Tidewater Pictures", Format: "jpeg", Width: w, Height: h},
				Body:      body[:30+k*6],
			})
		}
		iss.Sections = append(iss.Sections, sec)
	}
	return iss
}

// BenchmarkTypeset measures one build of the reference issue.
func BenchmarkTypeset(b *testing.B) {
	iss := benchIssue(b)
	doc, err := Layout(iss, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := Typeset(io.Discard, iss, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(doc.Pages)), "pages")
}

// BenchmarkLayout measures the layout step alone.
func BenchmarkLayout(b *testing.B) {
	iss := benchIssue(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Layout(iss, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
