package ghost

import (
	"context"
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

func source(t *testing.T, site *sitetest.Site, key string) *post.Source {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	c, err := fetch.New(fetch.Options{CacheDir: t.TempDir(), Timeout: 10 * time.Second, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	rules := post.Rules{Sections: []string{"Film", "Stage", "Music", "Books"}, SectionsMap: map[string]string{"Theatre": "Stage"}, Location: loc}
	return post.NewSource(site.URL, New(site.URL, key, c, true), c, true, rules, markdown.CheckPhoto)
}

func TestGhostContentAPI(t *testing.T) {
	site := sitetest.New(t)
	res, err := source(t, site, sitetest.GhostKey).Collect(context.Background(), week10, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Reviews) != 2 {
		t.Fatalf("%d reviews", len(res.Reviews))
	}
	stage, books := res.Reviews[0], res.Reviews[1]
	checks := []struct{ field, got, want string }{
		{"stage title", stage.Title, "An Evening of Short Plays"},
		{"stage section", stage.Section, "Stage"},
		{"stage rating", stage.Rating.String(), "3.5"},
		{"made-up excerpt is no deck", stage.Deck, ""},
		{"books deck", books.Deck, "A gardener's diary that turns into a ledger of a family's debts."},
		{"books byline", books.Byline, "Adaeze Brook"},
		{"books rating", books.Rating.String(), "4"},
		{"books caption", books.Photo.Caption, "The orchard in April."},
		{"books credit", books.Photo.Credit, "Mira Sol"},
		{"books key", books.Origin.ID, "3f6c2a8e-5b1d-4c7e-9a2f-1d8e7b6c5a40"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
}

// TestWrongKey: a refused key fails the collection, naming the site but
// never quoting the key.
func TestWrongKey(t *testing.T) {
	site := sitetest.New(t)
	_, err := source(t, site, "0000wrongkey0000").Collect(context.Background(), week10, false)
	if err == nil || !strings.Contains(err.Error(), site.URL+"/ghost/api/content/posts/") || !strings.Contains(err.Error(), "401") ||
		strings.Contains(err.Error(), "0000wrongkey0000") {
		t.Errorf("err = %v", err)
	}
}

func FuzzParsePage(f *testing.F) {
	f.Add([]byte(`{"posts":[{"uuid":"u","title":"T","html":"<p>x</p>","published_at":"2026-03-05T14:00:00.000+00:00","tags":[{"name":"Books","visibility":"public"}]}],"meta":{"pagination":{"pages":1}}}`))
	f.Add([]byte(`{"errors":[{"message":"Unknown Content API Key"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		posts, _, err := ParsePage(data)
		if err == nil && posts == nil {
			t.Fatal("no posts and no error")
		}
	})
}
