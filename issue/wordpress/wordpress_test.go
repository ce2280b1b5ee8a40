package wordpress

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
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

func setup(t *testing.T) (*sitetest.Site, *post.Source, *time.Location) {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	site := sitetest.New(t)
	c, err := fetch.New(fetch.Options{CacheDir: t.TempDir(), Timeout: 10 * time.Second, Backoff: time.Millisecond, Attempts: 2})
	if err != nil {
		t.Fatal(err)
	}
	rules := post.Rules{Sections: []string{"Film", "Stage", "Music", "Books"},
		SectionsMap: map[string]string{"Movies": "Film", "Theatre": "Stage"}, Location: loc}
	src := post.NewSource(site.URL, New(site.URL, c, true, loc), c, true, rules, markdown.CheckPhoto)
	return site, src, loc
}

func TestWordPressREST(t *testing.T) {
	site, src, loc := setup(t)
	res, err := src.Collect(context.Background(), week10, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Reviews) != 2 || res.Sections[0].Name != "Film" || res.Sections[1].Name != "Stage" {
		t.Fatalf("%d reviews in %v", len(res.Reviews), res.Sections)
	}
	film, stage := res.Reviews[0], res.Reviews[1]
	checks := []struct{ field, got, want string }{
		{"title", film.Title, "Harbor Lights"},
		{"byline", film.Byline, "Marguerite Osei"},
		{"deck", film.Deck, "A lighthouse drama that earns every one of its silences."},
		{"rating from tag", film.Rating.String(), "4.5"},
		{"certificate", film.Certificate, "PG"},
		{"opens", film.Opens, "Friday, March 6 at the Plaza Lumen"},
		{"caption", film.Photo.Caption, "Ines Varga as the keeper in Harbor Lights."},
		{"credit", film.Photo.Credit, "Northlight Pictures"},
		{"slug", film.Slug, "harbor-lights"},
		{"key", film.Origin.ID, site.URL + "/?p=201"},
		{"modified", film.Origin.Modified.In(loc).Format(time.RFC3339), "2026-03-04T12:10:00-05:00"},
		{"entity title", stage.Title, "Rooms & Rumours"},
		{"auto excerpt is no deck", stage.Deck, ""},
		{"rating from stars", stage.Rating.String(), "3"},
		{"credit by", stage.Photo.Credit, "Lena Ostrova"},
		{"caption by", stage.Photo.Caption, "Seven doors, one hallway"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if len(film.Body) != 3 || strings.Contains(issue.BodyText(stage.Body), "★") {
		t.Errorf("bodies: %q / %q", issue.BodyText(film.Body), issue.BodyText(stage.Body))
	}
}

// TestPaging: the week is read page by page, asking WordPress for the
// week's dates only.
func TestPaging(t *testing.T) {
	_, _, loc := setup(t)
	var asked []url.Values
	srv := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.URL.Query())
		page := r.URL.Query().Get("page")
		if page == "3" {
			http.Error(w, `{"code":"rest_post_invalid_page_number"}`, http.StatusBadRequest)
			return
		}
		var sb strings.Builder
		sb.WriteString("[")
		n := 100
		if page == "2" {
			n = 7
		}
		for i := range n {
			if i > 0 {
				sb.WriteString(",")
			}
			sb.WriteString(`{"id":` + page + `0` + string(rune('0'+i%10)) + `,"date_gmt":"2026-03-04T16:00:00","title":{"rendered":"x"},"status":"publish","link":"https://m.example/p` + page + `-` + string(rune('a'+i%26)) + `"}`)
		}
		sb.WriteString("]")
		_, _ = w.Write([]byte(sb.String()))
	})
	ts := httptestServer(t, srv)
	c, _ := fetch.New(fetch.Options{CacheDir: t.TempDir()})
	l := New(ts, c, true, loc)
	posts, err := l.Posts(context.Background(), week10.Start(loc), week10.End(loc))
	if err != nil || len(posts) != 107 || len(asked) != 2 {
		t.Fatalf("%d posts in %d requests: %v", len(posts), len(asked), err)
	}
	q := asked[0]
	if q.Get("after") != "2026-03-01T23:59:59-05:00" || q.Get("before") != "2026-03-09T00:00:00-04:00" ||
		q.Get("per_page") != "100" || !q.Has("_embed") || asked[1].Get("page") != "2" {
		t.Errorf("asked %v", q)
	}
}

func TestNotWordPress(t *testing.T) {
	site, src, _ := setup(t)
	site.Set("/wp-json/wp/v2/posts", []byte("<html>Not here</html>"), "text/html")
	_, err := src.Collect(context.Background(), week10, false)
	if err == nil || !strings.Contains(err.Error(), site.URL+"/wp-json/wp/v2/posts?") || !strings.Contains(err.Error(), "not a WordPress REST API answer") {
		t.Errorf("err = %v", err)
	}
}

func FuzzParsePage(f *testing.F) {
	f.Add([]byte(`[{"id":1,"date_gmt":"2026-03-04T16:00:00","title":{"rendered":"A &amp; B"},"_embedded":{"wp:term":[[{"name":"Film","taxonomy":"category"}]],"wp:featuredmedia":[{"source_url":"https://m.example/a.jpg","caption":{"rendered":"<p>x</p>"}}]}}]`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"code":"rest_no_route"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		posts, err := ParsePage(data, time.UTC)
		if err == nil && posts == nil {
			t.Fatal("no posts and no error")
		}
	})
}

func httptestServer(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
