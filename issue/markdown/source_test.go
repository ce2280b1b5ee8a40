package markdown

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/issue"
)

var newYork = mustLoc("America/New_York")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

const goodReview = `---
title: "The Lantern Keeper"
section: Film
deck: "A lighthouse, a storm and a very patient camera"
byline: "Zoë Marchetti"
published: 2026-03-03T09:00:00-05:00
rating: 3.5
certificate: PG-13
credits:
  - Director: Ramón Ibáñez
  - Starring: Begoña Cruz, Søren Dahl
opens: "Friday at the Elm Street Cinema"
pullquote: "Patience, it turns out, is cinematic."
photo:
  file: lantern.jpg
  caption: "The lamp room at dusk"
  credit: "Northlight Pictures"
---
The film opens on *water* and stays there for a **long** time — “deliberately,” its director says.

> A quoted line.

- first
- second

See [the studio](https://example.org/studio) or [this](javascript:alert(1)) <b>bold</b>.
`

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeJPEG(t *testing.T, path string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		for y := range 30 {
			img.Set(x, y, color.RGBA{uint8(x * 6), uint8(y * 8), 90, 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := jpeg.Encode(f, img, nil); err != nil {
		t.Fatal(err)
	}
}

var w10 = issue.Week{Year: 2026, Num: 10}

func TestCollectGoodReview(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "film/lantern.md", goodReview)
	writeJPEG(t, filepath.Join(dir, "film/lantern.jpg"))
	res, err := NewSource(dir, newYork, nil).Collect(context.Background(), w10, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Reviews) != 1 {
		t.Fatalf("got %d reviews", len(res.Reviews))
	}
	r := res.Reviews[0]
	if r.Title != "The Lantern Keeper" || r.Byline != "Zoë Marchetti" || r.Slug != "lantern" {
		t.Errorf("review = %+v", r)
	}
	if r.Rating == nil || r.Rating.Stars() != "★★★½☆" || r.Rating.Label() != "★★★½☆ (3.5/5)" {
		t.Errorf("rating = %v", r.Rating)
	}
	if len(r.Credits) != 2 || r.Credits[0] != (issue.Credit{Role: "Director", Names: "Ramón Ibáñez"}) {
		t.Errorf("credits = %+v", r.Credits)
	}
	if r.Photo == nil || r.Photo.Width != 40 || r.Photo.Format != "jpeg" || !filepath.IsAbs(r.Photo.Path) {
		t.Errorf("photo = %+v", r.Photo)
	}
	kinds := []issue.BlockKind{}
	for _, b := range r.Body {
		kinds = append(kinds, b.Kind)
	}
	want := []issue.BlockKind{issue.Paragraph, issue.Quote, issue.List, issue.Paragraph}
	if len(kinds) != len(want) {
		t.Fatalf("body kinds = %v, want %v", kinds, want)
	}
	p0 := r.Body[0].Inlines
	if p0[1].Text != "water" || p0[1].Style != issue.Italic || p0[3].Style != issue.Bold {
		t.Errorf("emphasis runs = %+v", p0)
	}
	if got := r.Body[0].PlainText(); got != "The film opens on water and stays there for a long time — “deliberately,” its director says." {
		t.Errorf("plain text = %q", got)
	}
	last := r.Body[3].Inlines
	var links []string
	for _, in := range last {
		if in.URL != "" {
			links = append(links, in.URL)
		}
		if strings.Contains(in.Text, "<b>") {
			t.Errorf("raw HTML kept: %q", in.Text)
		}
	}
	if len(links) != 1 || links[0] != "https://example.org/studio" {
		t.Errorf("links = %v (javascript: must be dropped)", links)
	}
}

func TestCollectWeekDraftsAndOrder(t *testing.T) {
	dir := t.TempDir()
	review := func(title, section, published string, extra string) string {
		return "---\ntitle: " + title + "\nsection: " + section + "\npublished: " + published + "\n" + extra + "---\nBody of " + title + ".\n"
	}
	// Monday 00:00 and Sunday 23:59 New York are in; a minute either side is out.
	writeFile(t, dir, "a.md", review("Early", "Stage", "2026-03-02T00:00:00-05:00", ""))
	writeFile(t, dir, "b.md", review("Late", "Stage", "2026-03-08T23:59:00-04:00", ""))
	writeFile(t, dir, "c.md", review("Before", "Stage", "2026-03-01T23:59:00-05:00", ""))
	writeFile(t, dir, "d.md", review("After", "Stage", "2026-03-09T00:00:00-04:00", ""))
	writeFile(t, dir, "e.md", review("Draft", "Film", "2026-03-04", "draft: true\n"))
	writeFile(t, dir, "f.md", review("Books first", "Books", "2026-03-05", ""))
	writeFile(t, dir, "README.md", "not a review")
	// A broken review of another week does not block this one.
	writeFile(t, dir, "old.md", review("Old", "Stage", "2025-01-01", "rating: 9\n"))

	res, err := NewSource(dir, newYork, nil).Collect(context.Background(), w10, false)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Reviews {
		got = append(got, r.Section+"/"+r.Title)
	}
	if strings.Join(got, ",") != "Books/Books first,Stage/Early,Stage/Late" {
		t.Errorf("collected %v", got)
	}
	if res.Drafts != 1 || res.OtherWeek != 3 {
		t.Errorf("drafts %d other %d", res.Drafts, res.OtherWeek)
	}

	res, err = NewSource(dir, newYork, []string{"Stage", "Books", "Film"}).Collect(context.Background(), w10, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sections[0].Name != "Stage" || res.Sections[1].Name != "Books" {
		t.Errorf("config order not kept: %v", res.Sections)
	}
}

func TestBrokenReviews(t *testing.T) {
	base := "title: T\nsection: Film\npublished: 2026-03-03\n"
	tests := []struct {
		name  string
		file  string
		want  []string // all must appear in the error
		setup func(t *testing.T, dir string)
	}{
		{"missing title", "---\nsection: Film\npublished: 2026-03-03\n---\nx\n", []string{"bad.md", "title", "required field is missing"}, nil},
		{"missing section", "---\ntitle: T\npublished: 2026-03-03\n---\nx\n", []string{"bad.md", "section", "required"}, nil},
		{"missing published", "---\ntitle: T\nsection: Film\n---\nx\n", []string{"bad.md", "published", "required"}, nil},
		{"bad published", "---\n" + "title: T\nsection: Film\npublished: next tuesday\n---\nx\n", []string{"bad.md:4", "published", "next tuesday"}, nil},
		{"rating too high", "---\n" + base + "rating: 6\n---\nx\n", []string{"bad.md:5", "rating", "0 to 5"}, nil},
		{"rating not half", "---\n" + base + "rating: 3.3\n---\nx\n", []string{"bad.md:5", "rating"}, nil},
		{"rating text", "---\n" + base + "rating: great\n---\nx\n", []string{"bad.md:5", "rating", "not a number"}, nil},
		{"unknown field", "---\n" + base + "ratting: 3\n---\nx\n", []string{"bad.md:5", "ratting", "unknown field"}, nil},
		{"malformed yaml", "---\n" + base + "deck: [unclosed\n---\nx\n", []string{"bad.md", "malformed YAML"}, nil},
		{"no front matter", "just text\n", []string{"bad.md:1", "no front matter"}, nil},
		{"unclosed front matter", "---\n" + base, []string{"bad.md:1", "not closed"}, nil},
		{"invalid utf8", "---\n" + base + "deck: caf\xe9\n---\nx\n", []string{"bad.md:5", "invalid UTF-8"}, nil},
		{"missing photo", "---\n" + base + "photo:\n  file: nope.jpg\n---\nx\n", []string{"bad.md", "photo.file", "nope.jpg"}, nil},
		{"corrupt photo", "---\n" + base + "photo:\n  file: bad.jpg\n---\nx\n", []string{"bad.md", "photo.file", "not a decodable JPEG or PNG"},
			func(t *testing.T, dir string) { writeFile(t, dir, "bad.jpg", "\xff\xd8\xff garbage") }},
		{"bad credits", "---\n" + base + "credits: Director Bob\n---\nx\n", []string{"bad.md:5", "credits"}, nil},
		{"empty body", "---\n" + base + "---\n\n", []string{"bad.md:6", "no body"}, nil},
		{"unknown section", "---\ntitle: T\nsection: Flim\npublished: 2026-03-03\n---\nx\n", []string{"bad.md", "section", `"Flim" is not one of`}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "bad.md", tc.file)
			writeFile(t, dir, "good.md", "---\ntitle: Good\nsection: Film\npublished: 2026-03-03\n---\nFine.\n")
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			src := NewSource(dir, newYork, []string{"Film", "Stage"})
			_, err := src.Collect(context.Background(), w10, false)
			if err == nil {
				t.Fatal("broken review collected without error")
			}
			if !errors.Is(err, ErrInvalidReview) {
				t.Errorf("error does not wrap ErrInvalidReview: %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			// --skip-invalid leaves it out, says so, and keeps the good one.
			res, err := src.Collect(context.Background(), w10, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Reviews) != 1 || res.Reviews[0].Title != "Good" || len(res.Skipped) != 1 {
				t.Errorf("skip-invalid: %d reviews, %d skipped", len(res.Reviews), len(res.Skipped))
			}
		})
	}
}

func TestSlugsAreUnique(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"film/night.md", "stage/night.md"} {
		writeFile(t, dir, p, "---\ntitle: N\nsection: S\npublished: 2026-03-03\n---\nx\n")
	}
	res, err := NewSource(dir, newYork, nil).Collect(context.Background(), w10, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Reviews[0].Slug == res.Reviews[1].Slug {
		t.Errorf("duplicate slug %q", res.Reviews[0].Slug)
	}
}

func FuzzReadReview(f *testing.F) {
	f.Add([]byte(goodReview))
	f.Add([]byte("---\ntitle: [\n---\n"))
	f.Add([]byte("---\ncredits:\n  - a: b\n    c: d\n---\n<script>x</script>\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := "/reviews/r.md"
		src := NewSource("/reviews", time.UTC, nil)
		parsed, errs := src.parseReview(p, data)
		if parsed != nil {
			if err := src.parseBody(parsed); err != nil {
				errs = append(errs, err)
			}
		}
		if parsed == nil && len(errs) == 0 {
			t.Fatal("no review and no error")
		}
		for _, e := range errs {
			if !strings.Contains(e.Error(), p) {
				t.Fatalf("error %q does not name the file", e)
			}
		}
	})
}
