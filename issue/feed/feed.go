package feed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"

	"github.com/foliopress/folio/issue/fetch"
	"github.com/foliopress/folio/issue/post"
)

// The feed types a source may declare; Any accepts whichever the feed is.
const (
	RSS      = "rss"
	Atom     = "atom"
	JSONFeed = "jsonfeed"
	Any      = ""
)

// maxPages bounds how far back a WordPress feed is paged.
const maxPages = 50

// ErrTooShort is wrapped when a feed does not reach back to the week's start.
var ErrTooShort = errors.New("the feed does not reach back to the week's start")

// Lister reads one feed.
type Lister struct {
	URL          string
	Type         string
	Fetch        post.Getter
	AllowPrivate bool
}

// New returns a Lister of the feed at u, which must be of type typ (RSS,
// Atom, JSONFeed, or Any).
func New(u, typ string, g post.Getter, allowPrivate bool) *Lister {
	return &Lister{URL: u, Type: typ, Fetch: g, AllowPrivate: allowPrivate}
}

// Posts reads the feed (and, for WordPress, its older pages while they are
// needed) and returns its items as posts.
func (l *Lister) Posts(ctx context.Context, from, _ time.Time) ([]post.Post, error) {
	var all []post.Post
	pageURL := l.URL
	for page := 1; ; page++ {
		f, err := l.read(ctx, pageURL)
		if err != nil {
			if page > 1 && isNotFound(err) {
				// Past WordPress's last page: the feed holds no more.
				return all, nil
			}
			return nil, err
		}
		posts := toPosts(f)
		all = append(all, posts...)
		oldest, dated := oldestDate(posts)
		if len(posts) == 0 || !dated || !oldest.After(from) {
			return all, nil
		}
		if !isWordPress(f) || page >= maxPages {
			return nil, fmt.Errorf("%s: %w: its oldest item is from %s, after %s, so reviews published earlier in the week may have dropped off it; "+
				"make the feed show more items (WordPress: Settings → Reading → Syndication feeds show the most recent), or read the site with type = \"wordpress\"",
				l.URL, ErrTooShort, oldest.Format(time.RFC3339), from.Format(time.RFC3339))
		}
		pageURL, err = withPage(l.URL, page+1)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.URL, err)
		}
	}
}

func (l *Lister) read(ctx context.Context, u string) (*gofeed.Feed, error) {
	resp, err := l.Fetch.Get(ctx, fetch.Request{
		URL: u, MaxBytes: post.MaxFeedBytes, AllowPrivate: l.AllowPrivate, Revalidate: true,
		Accept: "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, application/json;q=0.9, */*;q=0.5",
	})
	if err != nil {
		return nil, err // a fetch error names the URL
	}
	// The strict check reads the feed on the other core while gofeed
	// parses it; its verdict comes first.
	checked := make(chan error, 1)
	if body := bytes.TrimLeft(resp.Body, "\ufeff \t\r\n"); len(body) > 0 && body[0] == '<' {
		go func() { checked <- checkXML(body) }()
	} else {
		checked <- nil
	}
	parser := gofeed.NewParser()
	// The post package finds the first <img> itself, with its caption;
	// gofeed's own scan would parse every item's HTML once more.
	parser.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	f, err := parser.Parse(bytes.NewReader(resp.Body))
	if xerr := <-checked; xerr != nil {
		return nil, xmlError(u, xerr)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable RSS, Atom or JSON feed: %w", u, err)
	}
	got := map[string]string{"rss": RSS, "atom": Atom, "json": JSONFeed}[f.FeedType]
	if l.Type != Any && got != l.Type {
		return nil, fmt.Errorf("%s: the source says type = %q, but this is a %s feed", u, l.Type, cmpOr(got, f.FeedType))
	}
	return f, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func isNotFound(err error) bool {
	var fe *fetch.Error
	return errors.As(err, &fe) && fe.Status == 404
}

func isWordPress(f *gofeed.Feed) bool {
	return strings.Contains(strings.ToLower(f.Generator), "wordpress.org")
}

// withPage is the feed's address for an older page: WordPress's ?paged=N.
func withPage(feedURL string, n int) (string, error) {
	u, err := url.Parse(feedURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("paged", strconv.Itoa(n))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func oldestDate(posts []post.Post) (time.Time, bool) {
	var oldest time.Time
	for _, p := range posts {
		if !p.Published.IsZero() && (oldest.IsZero() || p.Published.Before(oldest)) {
			oldest = p.Published
		}
	}
	return oldest, !oldest.IsZero()
}

// toPosts carries over what each item says, no more.
func toPosts(f *gofeed.Feed) []post.Post {
	out := make([]post.Post, 0, len(f.Items))
	for _, it := range f.Items {
		p := post.Post{
			ID: strings.TrimSpace(it.GUID), URL: strings.TrimSpace(it.Link), Title: it.Title,
			Categories: it.Categories,
		}
		if it.Content != "" {
			p.Content, p.Excerpt = asHTML(it.Content), it.Description
		} else {
			p.Content = asHTML(it.Description)
		}
		if len(it.Authors) > 0 && it.Authors[0] != nil {
			p.Author = it.Authors[0].Name
		}
		switch {
		case it.PublishedParsed != nil:
			p.Published = *it.PublishedParsed
		case it.UpdatedParsed != nil && f.FeedType == "atom":
			// Atom requires only <updated>; a feed without <published>
			// dates its entries by it.
			p.Published = *it.UpdatedParsed
		}
		if it.UpdatedParsed != nil {
			p.Modified = *it.UpdatedParsed
		}
		p.Images = images(f, it)
		out = append(out, p)
	}
	return out
}

// asHTML keeps HTML as it is and makes plain text (JSON Feed's
// content_text, Atom's type="text") into paragraphs.
func asHTML(s string) string {
	if strings.Contains(s, "<") {
		return s
	}
	var sb strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if strings.TrimSpace(para) != "" {
			sb.WriteString("<p>" + html.EscapeString(strings.TrimSpace(para)) + "</p>\n")
		}
	}
	return sb.String()
}

// images lists the item's own pictures: JSON Feed's image, media:content
// (with its description and credit), image enclosures. The first <img> of
// the content is the post package's last resort.
func images(f *gofeed.Feed, it *gofeed.Item) []post.Image {
	var out []post.Image
	if f.FeedType == "json" && it.Image != nil && it.Image.URL != "" {
		out = append(out, post.Image{URL: it.Image.URL})
	}
	media := it.Extensions["media"]
	itemCaption, itemCredit := text(media, "description"), text(media, "credit")
	var contents []ext.Extension
	contents = append(contents, media["content"]...)
	for _, g := range media["group"] {
		contents = append(contents, g.Children["content"]...)
	}
	for _, c := range contents {
		isImage := strings.HasPrefix(c.Attrs["type"], "image/") || c.Attrs["medium"] == "image"
		if c.Attrs["url"] == "" || !isImage {
			continue
		}
		img := post.Image{URL: c.Attrs["url"], Caption: cmpOr(text(c.Children, "description"), text(c.Children, "title")), Credit: text(c.Children, "credit")}
		if img.Caption == "" {
			img.Caption = itemCaption
		}
		if img.Credit == "" {
			img.Credit = itemCredit
		}
		out = append(out, img)
	}
	for _, e := range it.Enclosures {
		if e != nil && e.URL != "" && strings.HasPrefix(e.Type, "image/") {
			out = append(out, post.Image{URL: e.URL})
		}
	}
	return out
}

func text(m map[string][]ext.Extension, name string) string {
	for _, e := range m[name] {
		if v := strings.TrimSpace(e.Value); v != "" {
			return v
		}
	}
	return ""
}
