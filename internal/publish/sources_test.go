package publish

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/issue"
)

type fixed struct {
	res *issue.Collection
	err error
}

func (f fixed) Collect(context.Context, issue.Week, bool) (*issue.Collection, error) {
	return f.res, f.err
}

func review(title, section, slug string, origin *issue.Origin) *issue.Review {
	return &issue.Review{Title: title, Section: section, Slug: slug, Origin: origin,
		Published: time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)}
}

func TestSourcesMerge(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	files := fixed{res: &issue.Collection{Reviews: []*issue.Review{review("The Salt Orchard", "Film", "the-salt-orchard", nil)}, Drafts: 1}}
	rss := fixed{res: &issue.Collection{
		Reviews:   []*issue.Review{review("Harbor Lights", "Film", "harbor-lights", &issue.Origin{ID: "p201", Modified: t0, Version: "old"}), review("Salt Orchard (site)", "Stage", "the-salt-orchard", &issue.Origin{ID: "p9"})},
		Notes:     []string{"a note"},
		Skipped:   []error{errors.New("a broken item")},
		OtherWeek: 2,
	}}
	wp := fixed{res: &issue.Collection{Reviews: []*issue.Review{review("Harbor Lights", "Film", "harbor-lights", &issue.Origin{ID: "p201", Modified: t0.Add(time.Hour), Version: "new"})}}}
	res, err := Sources{List: []Source{files, rss, wp}, Sections: []string{"Stage", "Film"}}.Collect(context.Background(), week10, true)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Reviews {
		got = append(got, r.Section+"/"+r.Slug+"/"+r.Title)
	}
	want := "Stage/the-salt-orchard-2/Salt Orchard (site) Film/harbor-lights/Harbor Lights Film/the-salt-orchard/The Salt Orchard"
	if strings.Join(got, " ") != want {
		t.Errorf("reviews\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	for _, r := range res.Reviews {
		if r.Origin != nil && r.Origin.ID == "p201" && r.Origin.Version != "new" {
			t.Error("the later edit of a post met twice did not win")
		}
	}
	if res.Drafts != 1 || res.OtherWeek != 2 || len(res.Notes) != 1 || len(res.Skipped) != 1 || len(res.Sections) != 2 {
		t.Errorf("accounting lost: %+v", res)
	}

	_, err = Sources{List: []Source{files, fixed{err: errors.New("feed A is down")}, fixed{err: errors.New("feed B is down")}}}.Collect(context.Background(), week10, true)
	if err == nil || !strings.Contains(err.Error(), "feed A") || !strings.Contains(err.Error(), "feed B") {
		t.Errorf("errors of every source: %v", err)
	}
}
