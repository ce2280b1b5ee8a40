package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/chromiumtest"
)

// dumpDOM loads url in headless Chromium and returns the DOM after its
// load event. Chromium is required (CI installs it): missing is a failure.
func dumpDOM(t *testing.T, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	cmd, _ := chromiumtest.Command(ctx, t, "--ignore-certificate-errors", "--dump-dom", url)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom %s: %v\n%s", url, err, stderr.String())
	}
	return string(out)
}

// TestBrowser opens a member's archive and, through it, an issue's web
// version from the running server in headless Chromium.
func TestBrowser(t *testing.T) {
	e := newEnv(t, "")
	w10 := []testReview{
		{Section: "Film", Title: "Lanterns at Low Tide", Deck: "A slow film about a harbour town.", Photo: true},
		{Section: "Film", Title: "Eleven Doors, No Hallway"},
		{Section: "Books", Title: "An Atlas of Small Rivers", Photo: true},
	}
	e.buildIssue("2026-W10", w10)
	e.buildIssue("2026-W11", []testReview{{Section: "Stage", Title: "The Understudy's Almanac"}})
	e.sendWeek("2026-W10")
	e.sendWeek("2026-W11")

	dom := dumpDOM(t, e.links.Archive(e.members["ada@example.org"]))
	i10 := strings.Index(dom, `id="issue-2026-W10"`)
	i11 := strings.Index(dom, `id="issue-2026-W11"`)
	if i10 < 0 || i11 < 0 || i11 > i10 {
		t.Errorf("archive page does not list W11 then W10 (at %d, %d):\n%s", i11, i10, dom)
	}
	ada := e.links.Archive(e.members["ada@example.org"])
	tok := ada[strings.LastIndex(ada, "/")+1:]
	for _, want := range []string{"Your archive", "Ada Byron", "Lanterns at Low Tide", "The Understudy's Almanac",
		`href="` + tok + `/2026-W10/"`, `href="` + tok + `/2026-W10/issue.pdf"`} {
		if !strings.Contains(dom, want) && !strings.Contains(dom, strings.ReplaceAll(want, "'", "&#39;")) {
			t.Errorf("archive DOM lacks %q", want)
		}
	}

	images := func() float64 {
		_, text := e.do("GET", "/metrics", nil, nil)
		return metric(t, text, "folio_http_requests_total", `{code="200",route="GET /archive/{token}/{week}/images/{file}"}`)
	}
	dom = dumpDOM(t, ada+"/2026-W10/")
	for _, r := range w10 {
		if !strings.Contains(dom, r.Title) {
			t.Errorf("web version DOM lacks the title %q", r.Title)
		}
	}
	// The browser fetched both photos from the server: the web version's
	// image URLs resolve to the images route.
	if n := images(); n != 2 {
		t.Errorf("the browser loaded %v images from the server, want 2", n)
	}
}
