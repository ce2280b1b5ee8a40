package sitetest

import (
	"fmt"
	"strings"
	"time"
)

// AddBigFeed serves at p a WordPress RSS feed of n items, the first n-1
// published evenly over [from, to) and the last a day before from (so the
// feed reaches back past the week), every item of the Film category with three paragraphs
// and a star rating, the first photos of them with a media:content photo
// of their own (served too). It is the benchmarks' week.
func (s *Site) AddBigFeed(p string, n, photos int, from, to time.Time) {
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>The Lantern Review</title><link>{{BASE}}</link><description>Every week</description>
<generator>https://wordpress.org/?v=6.7.2</generator>
`)
	step := to.Sub(from) / time.Duration(n+1)
	for i := range n {
		at := from.Add(step * time.Duration(i+1)).UTC()
		if i == n-1 {
			at = from.Add(-24 * time.Hour).UTC()
		}
		fmt.Fprintf(&sb, `<item><title>Review number %d</title><link>{{BASE}}/2026/03/review-%d/</link>
<dc:creator><![CDATA[Critic %d]]></dc:creator><pubDate>%s</pubDate>
<category><![CDATA[Film]]></category><guid isPermaLink="false">{{BASE}}/?p=%d</guid>
<description><![CDATA[A standfirst for review %d, written by hand.]]></description>
<content:encoded><![CDATA[<p>The first paragraph of review %d says what the film is, and <em>why</em> it matters, in a sentence or two of plain words.</p>
<p>The second paragraph weighs the performances, the <a href="https://example.org/%d">direction</a> and the score, and finds the second act a little long.</p>
<blockquote><p>A line worth quoting from review %d.</p></blockquote>
<p>★★★★☆</p>
<p>It is rated PG-13, and opens Friday at the Meridian Six.</p>]]></content:encoded>
`, i, i, i%7, at.Format(time.RFC1123Z), 1000+i, i, i, i, i)
		if i < photos {
			photo := fmt.Sprintf("/wp-content/uploads/2026/03/still-%d.jpg", i)
			s.AddPhoto(photo)
			fmt.Fprintf(&sb, `<media:content url="{{BASE}}%s" medium="image" type="image/jpeg"><media:description>A still from review %d</media:description><media:credit>Studio %d</media:credit></media:content>
`, photo, i, i)
		}
		sb.WriteString("</item>\n")
	}
	sb.WriteString("</channel></rss>\n")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[p] = page{body: s.based([]byte(sb.String())), contentType: "application/rss+xml; charset=UTF-8", modified: Modified}
}
