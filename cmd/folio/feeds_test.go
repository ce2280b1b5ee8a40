package main

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foliopress/folio/internal/sitetest"
	"github.com/foliopress/folio/issue"
)

// feedConfig is the sample magazine reading its review files and, beside
// them, every kind of source from a site served on loopback.
func feedConfig(t *testing.T, dir string, site *sitetest.Site) string {
	t.Helper()
	cfg := `[magazine]
name = "Folio Weekly"
timezone = "America/New_York"
base_url = "https://weekly.example.org"

[content]
dir = "reviews"
sections = ["Film", "Stage", "Music", "Books"]

[[content.source]]
type = "rss"
url = "` + site.URL + `/feed/"
allow_private = true

[[content.source]]
type = "wordpress"
url = "` + site.URL + `"
allow_private = true

[[content.source]]
type = "atom"
url = "` + site.URL + `/atom.xml"
allow_private = true

[[content.source]]
type = "jsonfeed"
url = "` + site.URL + `/feed.json"
allow_private = true

[[content.source]]
type = "ghost"
url = "` + site.URL + `"
allow_private = true

[content.sections_map]
Movies = "Film"
Theatre = "Stage"

[delivery]
from = "Folio Weekly <issues@weekly.example.org>"
outbox = "outbox"
`
	path := filepath.Join(dir, "feeds.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// feedTitles are the week's reviews on the site, from each kind of source.
var feedTitles = []string{
	"The Cartographer’s Daughter", "Salt and Ceremony", "Low Tide Radio", "The Quiet Index", // RSS
	"Harbor Lights", "Rooms & Rumours", // WordPress REST
	"A Quartet in the Boiler Room", "The Understudy’s Notebook", // Atom
	"Paper Lanterns", "Stillwater Suite", // JSON Feed
	"Orchard Hours", "An Evening of Short Plays", // Ghost Content API
}

func manifest(t *testing.T, dir string) *issue.Issue {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "issues", sampleWeek, "issue.json"))
	if err != nil {
		t.Fatal(err)
	}
	var iss issue.Issue
	if err := json.Unmarshal(data, &iss); err != nil {
		t.Fatal(err)
	}
	return &iss
}

// TestFeedWeekEndToEnd: review files and the site's feeds fill one issue,
// which goes through the PDF, the email and the web version to the outbox;
// the manifest records each post's version; an edit changes the issue
// until it is sent, and not after.
func TestFeedWeekEndToEnd(t *testing.T) {
	site := sitetest.New(t)
	dir := sample(t)
	cfg := feedConfig(t, dir, site)
	env := []string{"FOLIO_SECRET=a-feeds-end-to-end-test-secret", "FOLIO_GHOST_CONTENT_KEY=" + sitetest.GhostKey}
	if _, _, err := folio(t, env, "members", "import", filepath.Join(dir, "members.csv"), "--config", cfg); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := folio(t, env, "build", "--week", sampleWeek, "--config", cfg)
	if err != nil {
		t.Fatalf("build: %v\n%s%s", err, out, stderr)
	}
	if !strings.Contains(stderr, `note: `+site.URL+`/feed/: item "Salt and Ceremony": 1 further image(s)`) {
		t.Errorf("the dropped image is not noted:\n%s", stderr)
	}
	iss := manifest(t, dir)
	versions := map[string]string{}
	files := 0
	for _, r := range iss.Reviews() {
		if r.Origin == nil {
			files++
			continue
		}
		if !strings.HasPrefix(r.Origin.Version, "sha256:") || r.Origin.ID == "" {
			t.Errorf("%s: origin %+v", r.Title, r.Origin)
		}
		versions[r.Title] = r.Origin.Version
	}
	if files < 8 || len(versions) != len(feedTitles) {
		t.Fatalf("%d reviews from files, %d from the site (%v)", files, len(versions), versions)
	}

	pdfText, err := exec.Command("pdftotext", "-enc", "UTF-8", filepath.Join(dir, "issues", sampleWeek, issue.PDFFile), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (install poppler-utils): %v", err)
	}
	web, _ := os.ReadFile(filepath.Join(dir, "issues", sampleWeek, issue.WebFile))
	flat := strings.Join(strings.Fields(string(pdfText)), " ")
	for _, title := range append(feedTitles, "The Salt Orchard") {
		if !strings.Contains(flat, title) && !strings.Contains(flat, strings.ToUpper(title)) {
			t.Errorf("the PDF lacks %q", title)
		}
		if !strings.Contains(string(web), strings.ReplaceAll(title, "&", "&amp;")) {
			t.Errorf("the web version lacks %q", title)
		}
	}
	for _, credit := range []string{"Northlight Pictures", "Dario Mendes", "Lena Ostrova"} {
		if !strings.Contains(flat, credit) {
			t.Errorf("the PDF lacks the photo credit %q", credit)
		}
	}

	// An edit before the issue is sent changes it.
	site.Edit(t, "/feed/", "with a performance made almost entirely of looking", "with a performance built from glances")
	if _, stderr, err := folio(t, env, "build", "--week", sampleWeek, "--config", cfg); err != nil {
		t.Fatalf("rebuild: %v\n%s", err, stderr)
	}
	edited := manifest(t, dir)
	var film *issue.Review
	for _, r := range edited.Reviews() {
		if r.Title == "The Cartographer’s Daughter" {
			film = r
		}
	}
	if film == nil || film.Origin.Version == versions[film.Title] || !strings.Contains(issue.BodyText(film.Body), "built from glances") {
		t.Fatalf("the edit did not reach the issue: %+v", film)
	}

	// The run sends it to every active member's outbox.
	if out, stderr, err := folio(t, env, "run", "--week", sampleWeek, "--config", cfg); err != nil {
		t.Fatalf("run: %v\n%s%s", err, out, stderr)
	}
	emls, _ := filepath.Glob(filepath.Join(dir, "outbox", "*.eml"))
	active := 0
	for _, m := range sampleMembers(t, dir) {
		if m.active {
			active++
		}
	}
	if len(emls) != active {
		t.Fatalf("%d messages in the outbox, want %d", len(emls), active)
	}
	raw, _ := os.ReadFile(emls[0])
	msg := parseMessage(t, raw)
	for _, title := range []string{"Harbor Lights", "Paper Lanterns", "The Salt Orchard", "Stillwater Suite"} {
		if !strings.Contains(msg.text, title) && !strings.Contains(msg.html, title) {
			t.Errorf("the email lacks %q", title)
		}
	}

	// Once sent, the issue is what was sent: a later edit changes nothing.
	sent := manifest(t, dir)
	site.Edit(t, "/feed/", "built from glances", "rebuilt once more")
	if out, stderr, err := folio(t, env, "run", "--week", sampleWeek, "--config", cfg); err != nil {
		t.Fatalf("second run: %v\n%s%s", err, out, stderr)
	}
	after := manifest(t, dir)
	for i, r := range after.Reviews() {
		if before := sent.Reviews()[i]; (r.Origin == nil) != (before.Origin == nil) || r.Origin != nil && r.Origin.Version != before.Origin.Version {
			t.Errorf("%s changed after the issue was sent", r.Title)
		}
	}
}

// TestBrokenFeedIsNamed: a feed that fails names itself, and the build
// writes nothing; --skip-invalid leaves out a broken item, says so, and
// still fails for a feed that does not answer.
func TestBrokenFeedIsNamed(t *testing.T) {
	site := sitetest.New(t)
	dir := sample(t)
	cfg := feedConfig(t, dir, site)
	env := []string{"FOLIO_SECRET=a-feeds-end-to-end-test-secret", "FOLIO_GHOST_CONTENT_KEY=" + sitetest.GhostKey}

	site.Edit(t, "/feed/", "<pubDate>Tue, 03 Mar 2026 14:00:00 +0000</pubDate>", "")
	_, _, err := folio(t, env, "build", "--week", sampleWeek, "--config", cfg)
	if err == nil || !strings.Contains(err.Error(), site.URL+`/feed/: item "Salt and Ceremony"`) || !strings.Contains(err.Error(), "no publication date") {
		t.Fatalf("undated item: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "issues", sampleWeek)); err == nil {
		t.Error("a failed build wrote the issue")
	}
	_, stderr, err := folio(t, env, "build", "--week", sampleWeek, "--config", cfg, "--skip-invalid")
	if err != nil || !strings.Contains(stderr, `skipped broken review: `+site.URL+`/feed/: item "Salt and Ceremony"`) {
		t.Fatalf("--skip-invalid: %v\n%s", err, stderr)
	}
	if n := len(manifest(t, dir).Reviews()); n < 8+len(feedTitles)-1 {
		t.Errorf("--skip-invalid built %d reviews", n)
	}

	// A 404 is not retried, so the test does not wait out the backoff that
	// a 500 gets (issue/feed's tests time that).
	site.Fail("/atom.xml", http.StatusNotFound)
	_, _, err = folio(t, env, "build", "--week", sampleWeek, "--config", cfg, "--skip-invalid")
	if err == nil || !strings.Contains(err.Error(), site.URL+"/atom.xml: 404 Not Found") {
		t.Fatalf("a feed that is gone: %v", err)
	}
	t.Logf("the editor reads: folio: %s", oneLine(err.Error()))

	// The Ghost key comes from the environment, and its absence is named.
	_, _, err = folio(t, env[:1], "build", "--week", sampleWeek, "--config", cfg)
	if err == nil || !strings.Contains(err.Error(), "FOLIO_GHOST_CONTENT_KEY is not set") {
		t.Errorf("no Ghost key: %v", err)
	}
}
