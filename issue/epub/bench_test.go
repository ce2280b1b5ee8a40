package epub

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/issue"
)

// refIssue is the reference issue of the PDF benchmark: twelve reviews in
// four sections, each with a 1600×1067 JPEG and a long body.
func refIssue(b *testing.B) *issue.Issue {
	b.Helper()
	dir := b.TempDir()
	var para []issue.Block
	for i := range 40 {
		para = append(para, issue.Block{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: fmt.Sprintf("Paragraph %d. ", i) + strings.Repeat("The lamp is the one constant, and each keeper describes the same light. ", 8)}}})
	}
	iss := &issue.Issue{Magazine: "Folio Weekly", Week: issue.Week{Year: 2026, Num: 10}, Number: 42, BaseURL: "https://weekly.example.org",
		Date: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	img := image.NewRGBA(image.Rect(0, 0, 1600, 1067))
	for y := range 1067 {
		for x := range 1600 {
			img.SetRGBA(x, y, color.RGBA{uint8(x / 7), uint8(y / 5), uint8((x + y) / 11), 255})
		}
	}
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, img, &jpeg.Options{Quality: 80}); err != nil {
		b.Fatal(err)
	}
	for s, name := range []string{"Film", "Music", "Books", "Stage"} {
		sec := issue.Section{Name: name}
		for k := range 3 {
			i := s*3 + k
			path := filepath.Join(dir, fmt.Sprintf("photo%d.jpg", i))
			if err := os.WriteFile(path, jpg.Bytes(), 0o644); err != nil {
				b.Fatal(err)
			}
			r, _ := issue.NewRating(float64(i%11) / 2)
			sec.Reviews = append(sec.Reviews, &issue.Review{Source: fmt.Sprintf("r%d.md", i), Slug: fmt.Sprintf("r%d", i), Section: name,
				Title: fmt.Sprintf("The Lighthouse Years, Part %d", i+1), Deck: "Thirty years, four keepers and one lamp", Byline: "Margarethe Voß",
				Rating: &r, Pullquote: "“The lamp is the one constant.”",
				Photo: &issue.Photo{Path: path, Caption: "A lighthouse at dusk.", Credit: "Tidewater Pictures", Format: "jpeg", Width: 1600, Height: 1067},
				Body:  para})
		}
		iss.Sections = append(iss.Sections, sec)
	}
	return iss
}

// BenchmarkWrite measures one EPUB of the reference issue (goal: 30 ms).
func BenchmarkWrite(b *testing.B) {
	iss := refIssue(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(io.Discard, iss, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
