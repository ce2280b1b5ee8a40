package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/foliopress/folio/internal/links"
)

// TestIssuesAreForMembers: an issue's web version and PDF are served only
// through a member's signed archive links, for issues in their archive;
// /issues/{week}/ is not found before the send (public_issues or not) and
// by default not after it either. Photos stay public for the email.
func TestIssuesAreForMembers(t *testing.T) {
	for _, public := range []bool{false, true} {
		e := startEnv(t, envOpts{public: public})
		e.buildIssue("2026-W10", []testReview{{Section: "Film", Title: "Lanterns at Low Tide", Photo: true}})
		ada, alan := e.members["ada@example.org"], e.members["alan@example.org"]
		own := e.path(e.links.Archive(ada)) + "/2026-W10/"
		check := func(when, path string, want int, body string) {
			t.Helper()
			res, got := e.do("GET", path, nil, nil)
			if res.StatusCode != want {
				t.Errorf("public=%v, %s: GET %s: %d, want %d", public, when, path, res.StatusCode, want)
			}
			if want == 200 && !strings.Contains(got, body) {
				t.Errorf("public=%v, %s: GET %s lacks %q", public, when, path, body)
			}
		}
		// Built, not sent: nobody reads it, not even by guessing the week.
		for _, p := range []string{"/issues/2026-W10/", "/issues/2026-W10/issue.pdf", own, own + "issue.pdf"} {
			check("before the send", p, 404, "")
		}
		check("before the send", "/issues/2026-W10/images/W10-review-0.jpg", 200, "\xff\xd8")
		e.sendWeek("2026-W10")
		check("after the send", own, 200, "Lanterns at Low Tide")
		check("after the send", own+"issue.pdf", 200, "%PDF-")
		check("after the send", own+"images/W10-review-0.jpg", 200, "\xff\xd8")
		check("after the send", e.path(e.links.Archive(ada))+"/2026-W10", 301, "")
		// Alan's tier was not in the audience: his link does not open it.
		check("another member", e.path(e.links.Archive(alan))+"/2026-W10/", 404, "")
		check("a forged token", "/archive/not-a-token/2026-W10/", 403, "")
		status := 404
		if public {
			status = 200
		}
		check("after the send", "/issues/2026-W10/", status, "Lanterns at Low Tide")
		check("after the send", "/issues/2026-W10/issue.pdf", status, "%PDF-")
	}
}

// archiveFixture builds three weeks and sends two of them; Grace leaves
// between the two sends.
func archiveFixture(t *testing.T) *env {
	e := newEnv(t, "")
	e.buildIssue("2026-W10", []testReview{
		{Section: "Film", Title: "Lanterns at Low Tide", Photo: true},
		{Section: "Books", Title: "An Atlas of Small Rivers"},
	})
	e.buildIssue("2026-W11", []testReview{{Section: "Stage", Title: "The Understudy's Almanac"}})
	e.buildIssue("2026-W12", []testReview{{Section: "Music", Title: "Hymns for a Drained Reservoir"}})
	e.sendWeek("2026-W10")
	grace := e.members["grace@example.org"]
	if res, _ := e.do("POST", e.path(e.links.Unsubscribe(grace)), []byte(oneClick), form); res.StatusCode != 200 {
		t.Fatalf("unsubscribe: %d", res.StatusCode)
	}
	e.sendWeek("2026-W11")
	return e
}

// archiveWeeks lists the weeks an archive page shows, in page order.
func archiveWeeks(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`id="issue-(\d{4}-W\d\d)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestArchiveListsTheIssuesTheMemberGot(t *testing.T) {
	e := archiveFixture(t)
	cases := []struct {
		email     string
		weeks     []string
		titles    []string
		notTitles []string
		unsubLink bool
	}{
		// Ada (print) got both sends; W12 was built but never sent.
		{"ada@example.org", []string{"2026-W11", "2026-W10"},
			[]string{"The Understudy&#39;s Almanac", "Lanterns at Low Tide", "An Atlas of Small Rivers"},
			[]string{"Hymns for a Drained Reservoir"}, true},
		// Grace left after W10: her archive keeps W10, and offers no
		// unsubscribe link any more.
		{"grace@example.org", []string{"2026-W10"}, []string{"Lanterns at Low Tide"},
			[]string{"The Understudy"}, false},
		// Alan's tier (sponsor) was in neither audience.
		{"alan@example.org", nil, []string{"No issues yet"}, []string{"Lanterns"}, true},
		// Paused members got nothing while paused.
		{"paused@example.org", nil, []string{"No issues yet"}, []string{"Lanterns"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.email, func(t *testing.T) {
			m := e.members[tc.email]
			link := e.links.Archive(m)
			before := e.snapshot("2026-W10", "2026-W11")
			res, body := e.do("GET", e.path(link), nil, nil)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("archive: %d", res.StatusCode)
			}
			if got := archiveWeeks(body); strings.Join(got, ",") != strings.Join(tc.weeks, ",") {
				t.Errorf("weeks = %v, want %v", got, tc.weeks)
			}
			for _, s := range tc.titles {
				if !strings.Contains(body, s) {
					t.Errorf("archive lacks %q", s)
				}
			}
			for _, s := range tc.notTitles {
				if strings.Contains(body, s) {
					t.Errorf("archive shows %q", s)
				}
			}
			if got := strings.Contains(body, "/u/"); got != tc.unsubLink {
				t.Errorf("unsubscribe link shown = %v, want %v", got, tc.unsubLink)
			}
			if res.Header.Get("Cache-Control") != "no-store" || !strings.Contains(res.Header.Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("archive headers: %v", res.Header)
			}
			// Every link on the page resolves, relative to the page, to a
			// file the server serves.
			base, _ := url.Parse(link)
			hrefs := regexp.MustCompile(`href="([A-Za-z0-9_.-]+/\d{4}-W\d\d/[^"]*)"`).FindAllStringSubmatch(body, -1)
			if len(hrefs) != 3*len(tc.weeks) {
				t.Errorf("%d links to issues, want the heading, Read online and the PDF for each of %v", len(hrefs), tc.weeks)
			}
			for _, href := range hrefs {
				u := base.ResolveReference(&url.URL{Path: href[1]})
				res, content := e.do("GET", u.Path, nil, nil)
				if res.StatusCode != http.StatusOK {
					t.Errorf("%s: %d", u.Path, res.StatusCode)
					continue
				}
				ct := res.Header.Get("Content-Type")
				switch {
				case strings.HasSuffix(u.Path, ".pdf"):
					if ct != "application/pdf" || !strings.HasPrefix(content, "%PDF-") {
						t.Errorf("%s: %s, %.8q", u.Path, ct, content)
					}
				case !strings.HasPrefix(ct, "text/html") || !strings.Contains(content, "The Test Weekly"):
					t.Errorf("%s: %s", u.Path, ct)
				}
			}
			assertUnchanged(t, before, e.snapshot("2026-W10", "2026-W11"))
		})
	}
}

func TestArchiveOfAMemberNotInTheStore(t *testing.T) {
	e := newEnv(t, "")
	tok := e.links.Token(links.PurposeArchive, 9999, e.links.TTL)
	before := e.snapshot()
	if res, _ := e.do("GET", "/archive/"+tok, nil, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("archive of unknown member: %d, want 404", res.StatusCode)
	}
	utok := e.links.Token(links.PurposeUnsubscribe, 9999, e.links.TTL)
	if res, _ := e.do("POST", "/u/"+utok, []byte(oneClick), form); res.StatusCode != http.StatusNotFound {
		t.Errorf("unsubscribe of unknown member: %d, want 404", res.StatusCode)
	}
	assertUnchanged(t, before, e.snapshot())
}

// TestIssueFiles: with [server] public_issues, an issue's web version and
// PDF are public once its send has started.
func TestIssueFiles(t *testing.T) {
	e := startEnv(t, envOpts{public: true})
	e.buildIssue("2026-W10", []testReview{{Section: "Film", Title: "Lanterns at Low Tide", Photo: true}})
	e.sendWeek("2026-W10")
	cases := []struct {
		path, ctype, location string
		status                int
	}{
		{"/issues/2026-W10/", "text/html; charset=utf-8", "", 200},
		{"/issues/2026-W10/issue.pdf", "application/pdf", "", 200},
		{"/issues/2026-W10/images/W10-review-0.jpg", "image/jpeg", "", 200},
		{"/issues/2026-W10", "", "2026-W10/", 301},
		{"/issues/2026-w10/issue.pdf", "", "../2026-W10/issue.pdf", 301},
		{"/issues/2026-w10", "", "2026-W10/", 301},
		{"/issues/2026-w10/images/W10-review-0.jpg", "", "../../2026-W10/images/W10-review-0.jpg", 301},
		{"/issues/2026-W11/", "", "", 404},
		{"/issues/2026-W10/images/missing.jpg", "", "", 404},
	}
	for _, tc := range cases {
		res, _ := e.do("GET", tc.path, nil, nil)
		if res.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d", tc.path, res.StatusCode, tc.status)
		}
		if tc.ctype != "" && res.Header.Get("Content-Type") != tc.ctype {
			t.Errorf("%s: Content-Type %q", tc.path, res.Header.Get("Content-Type"))
		}
		if tc.location != "" && res.Header.Get("Location") != tc.location {
			t.Errorf("%s: Location %q, want %q", tc.path, res.Header.Get("Location"), tc.location)
		}
	}
	// Ranges work (PDF readers fetch pieces of big files).
	res, body := e.do("GET", "/issues/2026-W10/issue.pdf", nil, http.Header{"Range": {"bytes=0-4"}})
	if res.StatusCode != http.StatusPartialContent || body != "%PDF-" {
		t.Errorf("range: %d %q", res.StatusCode, body)
	}
}
