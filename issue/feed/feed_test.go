package feed

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/sitetest"
	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/fetch"
	"github.com/foliopress/folio/issue/markdown"
	"github.com/foliopress/folio/issue/post"
)

var week10 = issue.Week{Year: 2026, Num: 10}

func newYork(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func client(t testing.TB) *fetch.Client { return clientWithin(t, 10*time.Second) }

func clientWithin(t testing.TB, timeout time.Duration) *fetch.Client {
	c, err := fetch.New(fetch.Options{CacheDir: t.TempDir(), Timeout: timeout, Backoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond, Attempts: 2})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func rules(loc *time.Location) post.Rules {
	return post.Rules{
		Sections:    []string{"Film", "Stage", "Music", "Books"},
		SectionsMap: map[string]string{"Movies": "Film", "Theatre": "Stage"},
		Location:    loc,
	}
}

func source(t testing.TB, site *sitetest.Site, c *fetch.Client, p, typ string, loc *time.Location) *post.Source {
	u := site.URL + p
	return post.NewSource(u, New(u, typ, c, true), c, true, rules(loc), markdown.CheckPhoto)
}

func byTitle(t *testing.T, res *issue.Collection) map[string]*issue.Review {
	t.Helper()
	m := map[string]*issue.Review{}
	for _, r := range res.Reviews {
		m[r.Title] = r
	}
	return m
}

func TestWordPressRSS(t *testing.T) {
	site := sitetest.New(t)
	loc := newYork(t)
	res, err := source(t, site, client(t), "/feed/", RSS, loc).Collect(context.Background(), week10, false)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, s := range res.Sections {
		order = append(order, s.Name)
	}
	if strings.Join(order, ",") != "Film,Stage,Music,Books" || len(res.Reviews) != 4 || res.OtherWeek != 2 {
		t.Fatalf("sections %v, %d reviews, %d of other weeks", order, len(res.Reviews), res.OtherWeek)
	}
	got := byTitle(t, res)

	film := got["The Cartographer’s Daughter"]
	if film == nil {
		t.Fatalf("reviews: %v", got)
	}
	checks := []struct{ field, got, want string }{
		{"section", film.Section, "Film"},
		{"byline", film.Byline, "Marguerite Osei"},
		{"deck", film.Deck, "A mapmaker’s daughter redraws a coastline her father got wrong, and a family’s history with it."},
		{"rating", film.Rating.String(), "4"},
		{"certificate", film.Certificate, "PG-13"},
		{"opens", film.Opens, "Friday, March 6 at the Meridian Six"},
		{"caption", film.Photo.Caption, "Kaja Lind on the shore in The Cartographer’s Daughter"},
		{"credit", film.Photo.Credit, "Northlight Pictures"},
		{"photo format", film.Photo.Format, "jpeg"},
		{"slug", film.Slug, "the-cartographers-daughter"},
		{"origin", film.Origin.ID, site.URL + "/?p=104"},
		{"published", film.Published.In(loc).Format(time.RFC3339), "2026-03-02T10:00:00-05:00"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("film %s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if text := issue.BodyText(film.Body); strings.Contains(text, "★") || !strings.HasPrefix(text, "Early in The Cartographer’s Daughter, Ilse Marr") {
		t.Errorf("film body: %q", text)
	}

	stage := got["Salt and Ceremony"]
	if stage.Rating.String() != "3.5" || stage.Deck != "" || stage.Photo == nil ||
		!strings.HasSuffix(stage.Photo.Path, ".body") || stage.Photo.Caption != "The wedding party at the long table." || stage.Photo.Credit != "Dario Mendes" {
		t.Errorf("stage: rating %v deck %q photo %+v", stage.Rating, stage.Deck, stage.Photo)
	}
	if strings.Contains(issue.BodyText(stage.Body), "Rating:") {
		t.Error("the rating line stayed in the body")
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], `"Salt and Ceremony": 1 further image`) || !strings.Contains(res.Notes[0], site.URL+"/feed/") {
		t.Errorf("notes: %q", res.Notes)
	}

	music := got["Low Tide Radio"]
	if music.Rating.String() != "4" || music.Photo == nil || music.Photo.Caption != "" {
		t.Errorf("music: rating %v photo %+v", music.Rating, music.Photo)
	}
	var struck, linked bool
	for _, b := range music.Body {
		for _, item := range b.Children {
			for _, p := range item.Children {
				for _, in := range p.Inlines {
					struck = struck || (in.Style&issue.Strike != 0 && in.Text == "the radio edit")
				}
			}
		}
		for _, in := range b.Inlines {
			linked = linked || in.URL == "https://records.example.net/marram"
		}
	}
	if !struck || !linked {
		t.Errorf("music body lost its strikethrough (%v) or link (%v)", struck, linked)
	}

	// Sunday 23:30 in New York is Monday in UTC: the week is the magazine's.
	books := got["The Quiet Index"]
	if books == nil || books.Rating.String() != "3.5" || books.Photo.Format != "png" {
		t.Fatalf("books: %+v", books)
	}
	res, err = source(t, site, client(t), "/feed/", RSS, time.UTC).Collect(context.Background(), week10, false)
	if err != nil {
		t.Fatal(err)
	}
	if byTitle(t, res)["The Quiet Index"] != nil || len(res.Reviews) != 3 {
		t.Error("read in UTC, the week should lose The Quiet Index")
	}
}

func TestAtomAndJSONFeed(t *testing.T) {
	site := sitetest.New(t)
	loc := newYork(t)
	c := client(t)
	atom, err := source(t, site, c, "/atom.xml", Atom, loc).Collect(context.Background(), week10, false)
	if err != nil {
		t.Fatal(err)
	}
	a := byTitle(t, atom)
	if len(atom.Reviews) != 2 || atom.OtherWeek != 1 {
		t.Fatalf("atom: %d reviews, %d other", len(atom.Reviews), atom.OtherWeek)
	}
	if r := a["The Understudy’s Notebook"]; r == nil || r.Section != "Stage" || r.Rating.String() != "5" || r.Byline != "Rosalind Achebe-Hart" || r.Photo != nil {
		t.Errorf("understudy (dated by <updated> alone): %+v", r)
	}
	if r := a["A Quartet in the Boiler Room"]; r == nil || r.Rating.String() != "3.5" || r.Photo == nil || r.Section != "Music" {
		t.Errorf("quartet: %+v", r)
	}

	jf, err := source(t, site, c, "/feed.json", JSONFeed, loc).Collect(context.Background(), week10, false)
	if err != nil {
		t.Fatal(err)
	}
	j := byTitle(t, jf)
	if r := j["Paper Lanterns"]; r == nil || r.Deck != "Twelve linked stories, one street, and a festival nobody remembers starting." ||
		r.Rating.String() != "3" || r.Photo == nil || r.Byline != "Adaeze Brook" || r.Section != "Books" {
		t.Errorf("paper lanterns: %+v", r)
	}
	if r := j["Stillwater Suite"]; r == nil || r.Rating.String() != "4" || len(r.Body) != 2 || r.Photo != nil {
		t.Errorf("stillwater (content_text): %+v", r)
	}
}

// TestBadInput: each broken source fails with an error that names the
// feed's URL, and a broken item names the item too.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*sitetest.Site)
		typ   string
		want  []string
	}{
		{"answers 500", func(s *sitetest.Site) { s.Fail("/feed/", http.StatusInternalServerError) }, RSS,
			[]string{"/feed/", "500 Internal Server Error", "after 2 attempts"}},
		{"times out", func(s *sitetest.Site) { s.Delay("/feed/", 2*time.Second) }, RSS,
			[]string{"/feed/", "timed out after 300ms"}},
		{"invalid XML", func(s *sitetest.Site) {
			s.Set("/feed/", []byte(`<?xml version="1.0"?><rss version="2.0"><channel><item><title>Broken</title></channel></rss>`), "application/rss+xml")
		}, RSS, []string{"/feed/", "not well-formed XML", "line 1", "element <item> closed by </channel>"}},
		{"not a feed", func(s *sitetest.Site) { s.Set("/feed/", []byte("<html><body>Hello</body></html>"), "text/html") }, RSS,
			[]string{"/feed/", "not a readable"}},
		{"wrong type", func(*sitetest.Site) {}, Atom, []string{"/feed/", `type = "atom"`, "rss feed"}},
		{"item without a date", func(s *sitetest.Site) {
			s.Edit(t, "/feed/", "<pubDate>Tue, 03 Mar 2026 14:00:00 +0000</pubDate>", "")
		}, RSS, []string{"/feed/", `item "Salt and Ceremony"`, "?p=109", "published: the item has no publication date"}},
		{"photo missing", func(s *sitetest.Site) { s.Fail("/wp-content/uploads/2026/03/low-tide-radio.jpg", http.StatusNotFound) }, RSS,
			[]string{"/feed/", `item "Low Tide Radio"`, "photo:", "low-tide-radio.jpg", "404 Not Found"}},
		{"photo not an image", func(s *sitetest.Site) {
			s.Set("/wp-content/uploads/2026/03/low-tide-radio.jpg", []byte("<html>oops</html>"), "image/jpeg")
		}, RSS, []string{`item "Low Tide Radio"`, "not a decodable JPEG or PNG"}},
		{"unmapped category", func(s *sitetest.Site) {
			s.Edit(t, "/feed/", "<category><![CDATA[Music]]></category>", "<category><![CDATA[Podcasts]]></category>")
		}, RSS, []string{`item "Low Tide Radio"`, "category:", "Podcasts", "[content.sections_map]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := sitetest.New(t)
			tc.setup(site)
			timeout := 10 * time.Second
			if tc.name == "times out" {
				timeout = 300 * time.Millisecond
			}
			_, err := source(t, site, clientWithin(t, timeout), "/feed/", tc.typ, newYork(t)).Collect(context.Background(), week10, false)
			if err == nil {
				t.Fatal("collected from a broken source")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not say %q", err, w)
				}
			}
			t.Logf("%v", err)
		})
	}
}

// TestSkipInvalid: a broken item is left out and listed, the rest built;
// a source that cannot be read is never skipped.
func TestSkipInvalid(t *testing.T) {
	site := sitetest.New(t)
	site.Edit(t, "/feed/", "<pubDate>Tue, 03 Mar 2026 14:00:00 +0000</pubDate>", "")
	res, err := source(t, site, client(t), "/feed/", RSS, newYork(t)).Collect(context.Background(), week10, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Reviews) != 3 || len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0].Error(), `"Salt and Ceremony"`) ||
		!errors.Is(res.Skipped[0], post.ErrInvalidItem) {
		t.Errorf("%d reviews, skipped %v", len(res.Reviews), res.Skipped)
	}
	site.Fail("/feed/", http.StatusBadGateway)
	if _, err := source(t, site, client(t), "/feed/", RSS, newYork(t)).Collect(context.Background(), week10, true); err == nil {
		t.Error("--skip-invalid skipped a whole feed that did not answer")
	}
}

// TestFeedMustReachTheWeek: a feed whose items start after the week began
// may have lost some of the week's reviews: an error, unless it is
// WordPress, whose older pages are read until they reach back.
func TestFeedMustReachTheWeek(t *testing.T) {
	site := sitetest.New(t)
	full := string(site.Page("/feed/"))
	cut := strings.Index(full, "\t<item>\n\t\t<title>Salt and Ceremony")
	end := strings.Index(full, "\t</channel>")
	first := full[:cut] + full[end:]
	second := full[:strings.Index(full, "\t<item>")] + full[cut:]
	site.Set("/feed/", []byte(first), "application/rss+xml")
	site.Set("/feed/?paged=2", []byte(second), "application/rss+xml")
	res, err := source(t, site, client(t), "/feed/", RSS, newYork(t)).Collect(context.Background(), week10, false)
	if err != nil || len(res.Reviews) != 4 {
		t.Fatalf("paged WordPress feed: %v", err)
	}

	notWP := strings.Replace(first, "<generator>https://wordpress.org/?v=6.7.2</generator>", "<generator>Hand-rolled</generator>", 1)
	site.Set("/feed/", []byte(notWP), "application/rss+xml")
	_, err = source(t, site, client(t), "/feed/", RSS, newYork(t)).Collect(context.Background(), week10, false)
	if !errors.Is(err, ErrTooShort) || !strings.Contains(err.Error(), site.URL+"/feed/") {
		t.Errorf("short feed: %v", err)
	}
}

// TestIdempotent: a post met twice is one review; an edit shows in the
// next collection with a new version; an unchanged site sends no body.
func TestIdempotent(t *testing.T) {
	site := sitetest.New(t)
	full := string(site.Page("/feed/"))
	start := strings.Index(full, "\t<item>\n\t\t<title>Low Tide Radio")
	end := start + strings.Index(full[start:], "</item>") + len("</item>\n")
	site.Set("/feed/", []byte(full[:end]+full[start:]), "application/rss+xml") // the item twice
	c := client(t)
	src := source(t, site, c, "/feed/", RSS, newYork(t))
	first, err := src.Collect(context.Background(), week10, false)
	if err != nil || len(first.Reviews) != 4 {
		t.Fatalf("%v reviews, %v", len(first.Reviews), err)
	}
	film := byTitle(t, first)["The Cartographer’s Daughter"].Origin

	bodies := site.Bodies()
	again, err := src.Collect(context.Background(), week10, false)
	if err != nil || site.Bodies() != bodies {
		t.Fatalf("a second collection downloaded %d bodies (%v)", site.Bodies()-bodies, err)
	}
	if v := byTitle(t, again)["The Cartographer’s Daughter"].Origin.Version; v != film.Version {
		t.Errorf("unchanged post changed version: %s → %s", film.Version, v)
	}

	site.Edit(t, "/feed/", "with a performance made almost entirely of looking", "with a performance built from glances")
	edited, err := src.Collect(context.Background(), week10, false)
	if err != nil {
		t.Fatal(err)
	}
	r := byTitle(t, edited)["The Cartographer’s Daughter"]
	if r.Origin.ID != film.ID || r.Origin.Version == film.Version || !strings.Contains(issue.BodyText(r.Body), "built from glances") {
		t.Errorf("edit not picked up: %+v", r.Origin)
	}
}
