package epub

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/markdown"
)

// sampleIssue is the bundled sample magazine's week 2026-W10.
func sampleIssue(t testing.TB) *issue.Issue {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	week := issue.Week{Year: 2026, Num: 10}
	res, err := markdown.NewSource(filepath.Join("..", "..", "examples", "reviews"), loc, []string{"Film", "Stage", "Music", "Books"}).Collect(context.Background(), week, false)
	if err != nil {
		t.Fatal(err)
	}
	return issue.New(issue.Masthead{Name: "Folio Weekly", BaseURL: "https://weekly.example.org", Location: loc}, week, res.Sections)
}

// heldOutIssue is a week the sample does not have: one photo, a long
// address, a CJK name, a strikethrough, a big photo the book scales down.
func heldOutIssue(t testing.TB) *issue.Issue {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "big.jpg")
	img := image.NewRGBA(image.Rect(0, 0, 2400, 1200))
	for y := range 1200 {
		for x := range 2400 {
			img.SetRGBA(x, y, color.RGBA{uint8(x / 10), uint8(y / 5), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &issue.Review{Source: "held.md", Slug: "night-at-the-cinema", Title: "映画館の夜", Section: "Film", Byline: "李小龍",
		Rating: rating(t, 3.5), Opens: "Friday at the Rialto", Pullquote: "A film that hums.",
		Photo: &issue.Photo{Path: path, Caption: "The projection booth.", Alt: "A projector's beam crossing a dark room", Credit: "Folio", Format: "jpeg", Width: 2400, Height: 1200},
		Body: []issue.Block{
			{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: "The projector is "}, {Text: "never", Style: issue.Strike}, {Text: " rarely off. Notes: "},
				{Text: "https://archive.example.org/notes/planetarium/2026/the-night-shift-production-notes.html?utm=1234567890", URL: "https://archive.example.org/notes/planetarium/2026/the-night-shift-production-notes.html?utm=1234567890"}}},
			{Kind: issue.List, Ordered: true, Start: 3, Children: []issue.Block{{Kind: issue.ListItem, Children: []issue.Block{{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: "<b>escaped</b> & fine"}}}}}}},
			{Kind: issue.Rule},
			{Kind: issue.Quote, Children: []issue.Block{{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: "Quiet.", Break: true}, {Text: "Then quieter."}}}}},
		}}
	r2 := &issue.Review{Source: "plain.md", Slug: "plain", Title: "No Photo", Section: "Books", Body: []issue.Block{{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: "Words only."}}}}}
	return &issue.Issue{Magazine: "Folio Weekly", Week: issue.Week{Year: 2026, Num: 11}, Number: 11, BaseURL: "https://weekly.example.org",
		Date:     time.Date(2026, 3, 9, 0, 0, 0, 0, time.FixedZone("EDT", -4*3600)),
		Sections: []issue.Section{{Name: "Film", Reviews: []*issue.Review{r}}, {Name: "Books", Reviews: []*issue.Review{r2}}}}
}

func rating(t testing.TB, v float64) *issue.Rating {
	r, err := issue.NewRating(v)
	if err != nil {
		t.Fatal(err)
	}
	return &r
}

// epubcheck runs Debian's epubcheck on a file and returns its output; it
// fails the test unless epubcheck reports no errors and no warnings.
func epubcheck(t *testing.T, path string) string {
	t.Helper()
	jar := "/usr/share/java/epubcheck.jar"
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("epubcheck not installed (apt-get install -y epubcheck): %v", err)
	}
	out, err := exec.Command("java", "-jar", jar, path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "No errors or warnings detected") {
		t.Errorf("epubcheck %s: %v\n%s", path, err, out)
	}
	return string(out)
}

func write(t *testing.T, iss *issue.Issue) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, iss, Options{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), File)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, buf.Bytes()
}

// files reads an EPUB's files, in order.
func files(t *testing.T, data []byte) ([]string, map[string]string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	content := map[string]string{}
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := b.ReadFrom(rc); err != nil {
			t.Fatal(err)
		}
		if err := rc.Close(); err != nil {
			t.Fatal(err)
		}
		content[f.Name] = b.String()
	}
	return names, content
}

// TestEpubcheck builds the sample issue and the held-out week and checks
// both pass epubcheck with no errors and no warnings.
func TestEpubcheck(t *testing.T) {
	for name, iss := range map[string]*issue.Issue{"sample": sampleIssue(t), "held-out week": heldOutIssue(t)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel() // epubcheck is a JVM: start both at once
			path, _ := write(t, iss)
			epubcheck(t, path)
		})
	}
}

// TestEditionContents checks what a reader gets: the mimetype first and
// stored, a cover with the lead photo, a navigation document listing
// every review, every review in full in its section's chapter, photos
// with alt text, ratings in words, struck words struck, and photos too
// big for a reader scaled down.
func TestEditionContents(t *testing.T) {
	iss := heldOutIssue(t)
	_, data := write(t, iss)
	names, content := files(t, data)
	if names[0] != "mimetype" || content["mimetype"] != "application/epub+zip" || !bytes.HasPrefix(data[30:], []byte("mimetypeapplication/epub+zip")) {
		t.Errorf("the archive does not start with a stored mimetype: %q", names)
	}
	opf := content["OEBPS/content.opf"]
	for _, want := range []string{`properties="cover-image"`, `properties="nav"`, "<dc:title>Folio Weekly — Issue 11, Week of March 9, 2026</dc:title>",
		`<meta property="dcterms:modified">2026-03-09T04:00:00Z</meta>`, "urn:uuid:", "<dc:language>en-US</dc:language>"} {
		if !strings.Contains(opf, want) {
			t.Errorf("content.opf lacks %q", want)
		}
	}
	nav := content["OEBPS/nav.xhtml"]
	for _, r := range iss.Reviews() {
		if !strings.Contains(nav, ">"+r.Title+"</a>") {
			t.Errorf("the navigation lacks %q", r.Title)
		}
	}
	film := content["OEBPS/section-1.xhtml"]
	for _, want := range []string{
		`<img src="images/night-at-the-cinema.jpg" alt="A projector&#39;s beam crossing a dark room"/>`,
		`aria-label="3.5 out of 5 stars">★★★½☆</span>`,
		"The projector is <s>never</s> rarely off.",
		`<a href="https://archive.example.org/notes/planetarium/2026/the-night-shift-production-notes.html?utm=1234567890">`,
		"&lt;b&gt;escaped&lt;/b&gt; &amp; fine", `<ol start="3">`, "<hr/>", "Quiet.<br/>", "<dt>Opens</dt><dd>Friday at the Rialto</dd>",
		"<h2>映画館の夜</h2>", "By 李小龍",
	} {
		if !strings.Contains(film, want) {
			t.Errorf("the Film chapter lacks %q", want)
		}
	}
	if !strings.Contains(content["OEBPS/cover.xhtml"], `alt="A projector&#39;s beam crossing a dark room"`) {
		t.Error("the cover lacks the lead photo with its alt text")
	}
	img, _, err := image.DecodeConfig(strings.NewReader(content["OEBPS/images/night-at-the-cinema.jpg"]))
	if err != nil || img.Width != maxSide {
		t.Errorf("the 2400 px photo is carried %d px wide (%v), want %d", img.Width, err, maxSide)
	}
	if regexp.MustCompile(`<(br|hr|img)[^/>]*>`).MatchString(film) {
		t.Error("a void element is not closed (XHTML)")
	}
}

func TestDeterministicAndEmpty(t *testing.T) {
	iss := sampleIssue(t)
	var a, b bytes.Buffer
	if err := Write(&a, iss, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, iss, Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two builds of the same issue differ")
	}
	if err := Write(&a, &issue.Issue{}, Options{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("an empty issue: %v, want ErrEmpty", err)
	}
	r := *iss.Reviews()[0]
	ph := *r.Photo
	ph.Path = filepath.Join(t.TempDir(), "gone.jpg")
	r.Photo = &ph
	bad := &issue.Issue{Magazine: "M", Sections: []issue.Section{{Name: "Film", Reviews: []*issue.Review{&r}}}}
	if err := Write(&a, bad, Options{}); err == nil || !strings.Contains(err.Error(), r.Source) || !strings.Contains(err.Error(), "gone.jpg") {
		t.Errorf("a missing photo: %v, want an error naming the review and the file", err)
	}
}
