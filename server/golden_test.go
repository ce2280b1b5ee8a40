package server_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden pages in testdata/golden")

// TestPagesGolden pins the server's own pages. The test server's address
// and the PDF sizes (the typesetter's business) are normalised.
func TestPagesGolden(t *testing.T) {
	e := newEnv(t, "")
	e.buildIssue("2026-W10", []testReview{{Section: "Film", Title: "Lanterns at Low Tide"}, {Section: "Books", Title: "An Atlas of Small Rivers"}})
	e.buildIssue("2026-W11", []testReview{{Section: "Stage", Title: "The Understudy's Almanac"}})
	e.sendWeek("2026-W10")
	e.sendWeek("2026-W11")
	ada := e.members["ada@example.org"]
	pages := []struct{ name, method, path string }{
		{"archive.html", "GET", e.path(e.links.Archive(ada))},
		{"confirm.html", "GET", e.path(e.links.Unsubscribe(ada))},
		{"invalid.html", "GET", "/archive/not-a-token"},
		{"done.html", "POST", e.path(e.links.Unsubscribe(ada))},
	}
	size := regexp.MustCompile(`\(\d+(\.\d)? (KB|MB|bytes)\)`)
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			_, body := e.do(p.method, p.path, []byte(oneClick), form)
			body = strings.ReplaceAll(body, e.links.BaseURL, "https://weekly.example.org")
			body = size.ReplaceAllString(body, "(SIZE)")
			golden := filepath.Join("testdata", "golden", p.name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if body != string(want) {
				t.Errorf("%s differs from %s (run with -update if the change is intended):\n%s", p.name, golden, body)
			}
		})
	}
}
