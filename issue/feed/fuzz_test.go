package feed

import (
	"bytes"
	"os"
	"testing"

	"github.com/mmcdole/gofeed"
)

// FuzzReadFeed: whatever a server sends, the well-formedness check and the
// mapping of items to posts never panic, and a feed that passes the check
// and parses yields one post per item.
func FuzzReadFeed(f *testing.F) {
	for _, name := range []string{"feed.xml", "atom.xml", "feed.json"} {
		data, err := os.ReadFile("../../internal/sitetest/site/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`<rss version="2.0"><channel><item><title>x</title><media:content url="a" medium="image"/></item></channel></rss>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 0 && data[0] == '<' && checkXML(data) != nil {
			return
		}
		feed, err := gofeed.NewParser().Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		if posts := toPosts(feed); len(posts) != len(feed.Items) {
			t.Fatalf("%d items became %d posts", len(feed.Items), len(posts))
		}
	})
}
