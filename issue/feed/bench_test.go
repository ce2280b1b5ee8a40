package feed

import (
	"context"
	"testing"

	"github.com/foliopress/folio/internal/sitetest"
	"github.com/foliopress/folio/issue/fetch"
	"github.com/foliopress/folio/issue/markdown"
	"github.com/foliopress/folio/issue/post"
)

// BenchmarkCollectWeek collects a week from a 200-item WordPress feed with
// 50 photos on loopback, with the fetcher's default politeness (rate limit
// per host included): cold, with an empty cache, and cached, when the feed
// answers 304 and the photos are fresh. The goals are 2 s and 100 ms; the
// cached run must download no body at all.
func BenchmarkCollectWeek(b *testing.B) {
	loc := newYork(b)
	site := sitetest.New(b)
	site.AddBigFeed("/big/", 200, 50, week10.Start(loc), week10.End(loc))
	u := site.URL + "/big/"
	newSource := func(dir string) *post.Source {
		c, err := fetch.New(fetch.Options{CacheDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		return post.NewSource(u, New(u, RSS, c, true), c, true, rules(loc), markdown.CheckPhoto)
	}
	collect := func(src *post.Source) {
		res, err := src.Collect(context.Background(), week10, false)
		if err != nil || len(res.Reviews) != 199 {
			b.Fatalf("%v", err)
		}
	}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			src := newSource(b.TempDir())
			b.StartTimer()
			collect(src)
		}
	})
	b.Run("cached", func(b *testing.B) {
		dir := b.TempDir()
		collect(newSource(dir))
		bodies := site.Bodies()
		for b.Loop() {
			collect(newSource(dir))
		}
		if n := site.Bodies() - bodies; n != 0 {
			b.Fatalf("cached runs downloaded %d bodies", n)
		}
	})
}
