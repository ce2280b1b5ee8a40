package wordpress

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/foliopress/folio/issue/fetch"
	"github.com/foliopress/folio/issue/post"
)

// perPage is the most posts the API gives in one answer.
const perPage = 100

// maxPages bounds a week's pages: 5,000 posts is no magazine's week.
const maxPages = 50

// Lister reads one WordPress site's posts.
type Lister struct {
	// Site is the site's address (https://mag.example.org), or the posts
	// endpoint itself when it is elsewhere.
	Site         string
	Fetch        post.Getter
	AllowPrivate bool
	// Location reads dates the API gives without a zone (when a post has
	// no date_gmt).
	Location *time.Location
}

// New returns a Lister of the site at site.
func New(site string, g post.Getter, allowPrivate bool, loc *time.Location) *Lister {
	if loc == nil {
		loc = time.UTC
	}
	return &Lister{Site: site, Fetch: g, AllowPrivate: allowPrivate, Location: loc}
}

// Endpoint is the posts endpoint of the site: SITE/wp-json/wp/v2/posts,
// unless Site already names a REST route.
func (l *Lister) Endpoint() (*url.URL, error) {
	u, err := url.Parse(l.Site)
	if err != nil {
		return nil, err
	}
	if strings.Contains(u.Path, "/wp-json/") || u.Query().Has("rest_route") {
		return u, nil
	}
	u.Path = strings.TrimRight(u.Path, "/") + "/wp-json/wp/v2/posts"
	return u, nil
}

// Posts asks for the posts published in [from, to), page by page.
func (l *Lister) Posts(ctx context.Context, from, to time.Time) ([]post.Post, error) {
	base, err := l.Endpoint()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.Site, err)
	}
	var out []post.Post
	for page := 1; page <= maxPages; page++ {
		u := *base
		q := u.Query()
		// after and before are exclusive; the week starts at from.
		q.Set("after", from.Add(-time.Second).Format(time.RFC3339))
		q.Set("before", to.Format(time.RFC3339))
		q.Set("_embed", "1")
		q.Set("per_page", strconv.Itoa(perPage))
		q.Set("page", strconv.Itoa(page))
		q.Set("orderby", "date")
		q.Set("order", "asc")
		u.RawQuery = q.Encode()
		resp, err := l.Fetch.Get(ctx, fetch.Request{URL: u.String(), MaxBytes: post.MaxFeedBytes, AllowPrivate: l.AllowPrivate,
			Revalidate: true, Accept: "application/json"})
		if err != nil {
			var fe *fetch.Error
			if page > 1 && errors.As(err, &fe) && fe.Status == 400 {
				break // rest_post_invalid_page_number: past the last page
			}
			return nil, err
		}
		posts, err := ParsePage(resp.Body, l.Location)
		if err != nil {
			return nil, fmt.Errorf("%s: not a WordPress REST API answer: %w", u.String(), err)
		}
		out = append(out, posts...)
		if len(posts) < perPage {
			break
		}
	}
	return out, nil
}

type rendered struct {
	Rendered string `json:"rendered"`
}

type wpPost struct {
	ID          int64    `json:"id"`
	Date        string   `json:"date"`
	DateGMT     string   `json:"date_gmt"`
	ModifiedGMT string   `json:"modified_gmt"`
	GUID        rendered `json:"guid"`
	Link        string   `json:"link"`
	Slug        string   `json:"slug"`
	Status      string   `json:"status"`
	Title       rendered `json:"title"`
	Content     rendered `json:"content"`
	Excerpt     rendered `json:"excerpt"`
	Embedded    struct {
		Author []struct {
			Name string `json:"name"`
		} `json:"author"`
		FeaturedMedia []wpMedia `json:"wp:featuredmedia"`
		Terms         [][]struct {
			Name     string `json:"name"`
			Taxonomy string `json:"taxonomy"`
		} `json:"wp:term"`
	} `json:"_embedded"`
}

type wpMedia struct {
	SourceURL string   `json:"source_url"`
	MediaType string   `json:"media_type"`
	Caption   rendered `json:"caption"`
	Code      string   `json:"code"` // set when the media is not readable (rest_forbidden)
}

// ParsePage reads one answer of the posts endpoint: a JSON array of posts
// with _embedded author, terms and featured media.
func ParsePage(data []byte, loc *time.Location) ([]post.Post, error) {
	var raw []wpPost
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	out := make([]post.Post, 0, len(raw))
	for _, w := range raw {
		p := post.Post{
			ID: strings.TrimSpace(w.GUID.Rendered), URL: w.Link, Slug: w.Slug,
			Title: w.Title.Rendered, Content: w.Content.Rendered, Excerpt: w.Excerpt.Rendered,
			Draft: w.Status != "" && w.Status != "publish",
		}
		if p.ID == "" && w.ID != 0 {
			p.ID = strconv.FormatInt(w.ID, 10)
		}
		// A date that does not parse is no date: the post is named as
		// undated, rather than the whole answer refused.
		p.Published = wpTime(w.DateGMT, w.Date, loc)
		p.Modified = wpTime(w.ModifiedGMT, "", loc)
		if len(w.Embedded.Author) > 0 {
			p.Author = w.Embedded.Author[0].Name
		}
		for _, group := range w.Embedded.Terms {
			for _, t := range group {
				switch t.Taxonomy {
				case "category":
					p.Categories = append(p.Categories, t.Name)
				case "post_tag":
					p.Tags = append(p.Tags, t.Name)
				}
			}
		}
		for _, m := range w.Embedded.FeaturedMedia {
			if m.Code == "" && m.SourceURL != "" && (m.MediaType == "" || m.MediaType == "image") {
				p.Images = append(p.Images, post.Image{URL: m.SourceURL, Caption: m.Caption.Rendered})
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// wpTime reads the API's times: date_gmt is UTC without a zone; date is
// the site's local time, read in loc. Both empty is no date.
func wpTime(gmt, local string, loc *time.Location) time.Time {
	const layout = "2006-01-02T15:04:05"
	if t, err := time.Parse(layout, gmt); err == nil {
		return t
	}
	if t, err := time.ParseInLocation(layout, local, loc); err == nil {
		return t
	}
	return time.Time{}
}
