package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/newsletter"
	"github.com/foliopress/folio/issue/pdf"
)

// testReview is one review of a generated issue.
type testReview struct {
	Section, Title, Deck string
	Photo                bool
}

// buildIssue writes week's issue folder the way publish.Build lays it out
// — index.html from the real newsletter renderer, issue.pdf from the real
// typesetter, issue.json, images/ — with the server's address as base URL.
func (e *env) buildIssue(week string, reviews []testReview) *issue.Issue {
	t := e.t
	t.Helper()
	wk, err := issue.ParseWeek(week)
	if err != nil {
		t.Fatal(err)
	}
	draft, err := e.issues.Begin(context.Background(), week)
	if err != nil {
		t.Fatal(err)
	}
	defer draft.Close()
	dir := draft.Dir
	if err := os.MkdirAll(filepath.Join(dir, issue.ImagesDir), 0o755); err != nil {
		t.Fatal(err)
	}
	var sections []issue.Section
	for i, tr := range reviews {
		r := &issue.Review{
			Source: fmt.Sprintf("review-%d.md", i), Slug: fmt.Sprintf("%s-review-%d", week[5:], i),
			Title: tr.Title, Section: tr.Section, Deck: tr.Deck, Byline: "A. Critic",
			Published: wk.Start(time.UTC).Add(time.Duration(i+1) * time.Hour),
			Body: []issue.Block{{Kind: issue.Paragraph, Inlines: []issue.Inline{
				{Text: "A paragraph of the review of " + tr.Title + ", written for this test."}}}},
		}
		if tr.Photo {
			r.Photo = writePhoto(t, filepath.Join(t.TempDir(), r.Slug+".jpg"))
		}
		if n := len(sections); n == 0 || sections[n-1].Name != tr.Section {
			sections = append(sections, issue.Section{Name: tr.Section})
		}
		sections[len(sections)-1].Reviews = append(sections[len(sections)-1].Reviews, r)
	}
	iss := issue.New(issue.Masthead{Name: "The Test Weekly", BaseURL: e.links.BaseURL,
		FirstIssue: issue.Week{Year: 2026, Num: 1}}, wk, sections)
	rend, err := newsletter.New(newsletter.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ed, err := rend.Edition(iss)
	if err != nil {
		t.Fatal(err)
	}
	web, err := ed.WebPage()
	if err != nil {
		t.Fatal(err)
	}
	var pdfBuf bytes.Buffer
	if err := pdf.Typeset(&pdfBuf, iss, pdf.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, r := range iss.Reviews() {
		if r.Photo != nil {
			copyFile(t, r.Photo.Path, filepath.Join(dir, issue.ImagesDir, issue.PhotoFile(r)))
		}
	}
	manifest, err := json.Marshal(iss)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{issue.WebFile: web, issue.PDFFile: pdfBuf.Bytes(), "issue.json": manifest} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := draft.Publish(context.Background()); err != nil {
		t.Fatal(err)
	}
	return iss
}

// writePhoto writes a small real JPEG and describes it.
func writePhoto(t testing.TB, path string) *issue.Photo {
	img := image.NewRGBA(image.Rect(0, 0, 120, 80))
	for y := range 80 {
		for x := range 120 {
			img.Set(x, y, color.RGBA{uint8(x * 2), uint8(y * 3), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return &issue.Photo{Path: path, Caption: "A test picture", Credit: "Test", Format: "jpeg", Width: 120, Height: 80}
}

func copyFile(t testing.TB, from, to string) {
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
