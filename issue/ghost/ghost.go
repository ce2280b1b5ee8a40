// Package ghost lists a magazine's posts of a week through the Ghost
// Content API, /ghost/api/content/posts/?key=…&filter=published_at…&include=tags,authors,
// following its pages, as post.Post values. The Content API key is
// read-only, but Folio still takes it from the environment
// (FOLIO_GHOST_CONTENT_KEY), never from the config file.
package ghost

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/foliopress/folio/issue/fetch"
	"github.com/foliopress/folio/issue/post"
)

const (
	perPage  = 100 // the API's largest page
	maxPages = 50
)

// Lister reads one Ghost site's posts.
type Lister struct {
	Site         string // the site's (or its admin domain's) address
	Key          string // the Content API key
	Fetch        post.Getter
	AllowPrivate bool
}

// New returns a Lister of the Ghost site at site.
func New(site, key string, g post.Getter, allowPrivate bool) *Lister {
	return &Lister{Site: site, Key: key, Fetch: g, AllowPrivate: allowPrivate}
}

// Posts asks for the posts published in [from, to), page by page.
func (l *Lister) Posts(ctx context.Context, from, to time.Time) ([]post.Post, error) {
	base, err := url.Parse(strings.TrimRight(l.Site, "/") + "/ghost/api/content/posts/")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.Site, err)
	}
	const nql = "2006-01-02T15:04:05.000Z"
	var out []post.Post
	for page := 1; page <= maxPages; page++ {
		q := url.Values{}
		q.Set("key", l.Key)
		q.Set("include", "tags,authors")
		q.Set("formats", "html")
		q.Set("limit", strconv.Itoa(perPage))
		q.Set("page", strconv.Itoa(page))
		q.Set("order", "published_at asc")
		q.Set("filter", fmt.Sprintf("published_at:>='%s'+published_at:<'%s'", from.UTC().Format(nql), to.UTC().Format(nql)))
		u := *base
		u.RawQuery = q.Encode()
		resp, err := l.Fetch.Get(ctx, fetch.Request{URL: u.String(), MaxBytes: post.MaxFeedBytes, AllowPrivate: l.AllowPrivate,
			Revalidate: true, Accept: "application/json"})
		if err != nil {
			return nil, redactKey(err, l.Key)
		}
		posts, pages, err := ParsePage(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("%s: not a Ghost Content API answer: %w", l.Site, err)
		}
		out = append(out, posts...)
		if page >= pages {
			break
		}
	}
	return out, nil
}

// redactKey keeps the key out of an error that quotes the URL.
func redactKey(err error, key string) error {
	if key == "" {
		return err
	}
	return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), key, "REDACTED"))
}

type ghostPost struct {
	ID                  string `json:"id"`
	UUID                string `json:"uuid"`
	Title               string `json:"title"`
	Slug                string `json:"slug"`
	HTML                string `json:"html"`
	CustomExcerpt       string `json:"custom_excerpt"`
	FeatureImage        string `json:"feature_image"`
	FeatureImageCaption string `json:"feature_image_caption"`
	PublishedAt         string `json:"published_at"`
	UpdatedAt           string `json:"updated_at"`
	URL                 string `json:"url"`
	PrimaryAuthor       *struct {
		Name string `json:"name"`
	} `json:"primary_author"`
	Tags []struct {
		Name       string `json:"name"`
		Visibility string `json:"visibility"`
	} `json:"tags"`
}

// ParsePage reads one answer of the posts endpoint; pages is how many the
// answer says there are.
func ParsePage(data []byte) (posts []post.Post, pages int, err error) {
	var raw struct {
		Posts *[]ghostPost `json:"posts"`
		Meta  struct {
			Pagination struct {
				Pages int `json:"pages"`
			} `json:"pagination"`
		} `json:"meta"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, 0, err
	}
	if raw.Posts == nil {
		return nil, 0, fmt.Errorf("no posts list in the answer")
	}
	out := make([]post.Post, 0, len(*raw.Posts))
	for _, g := range *raw.Posts {
		p := post.Post{
			ID: g.UUID, URL: g.URL, Slug: g.Slug, Title: g.Title, Content: g.HTML,
			// Ghost makes up an excerpt from the body when the editor wrote
			// none; only a custom one is a deck.
			Excerpt: g.CustomExcerpt,
		}
		if p.ID == "" {
			p.ID = g.ID
		}
		// A date that does not parse is no date: the post is named as undated.
		p.Published, _ = time.Parse(time.RFC3339, g.PublishedAt)
		p.Modified, _ = time.Parse(time.RFC3339, g.UpdatedAt)
		if g.PrimaryAuthor != nil {
			p.Author = g.PrimaryAuthor.Name
		}
		for _, t := range g.Tags {
			p.Tags = append(p.Tags, t.Name)
			if t.Visibility != "internal" && !strings.HasPrefix(t.Name, "#") {
				p.Categories = append(p.Categories, t.Name)
			}
		}
		if g.FeatureImage != "" {
			p.Images = append(p.Images, post.Image{URL: g.FeatureImage, Caption: g.FeatureImageCaption})
		}
		out = append(out, p)
	}
	return out, raw.Meta.Pagination.Pages, nil
}
