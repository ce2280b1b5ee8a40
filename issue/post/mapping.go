package post

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/fetch"
	"github.com/foliopress/folio/issue/htmlbody"
)

// Rules say how a magazine's posts become its reviews.
type Rules struct {
	// Sections is the magazine's section order; when set, a post must map
	// to one of them.
	Sections []string
	// SectionsMap maps a category (compared ignoring case) to a section.
	SectionsMap map[string]string
	// Ratings are the magazine's own rating rules, tried first.
	Ratings []*RatingRule
	// Location reads the week's bounds.
	Location *time.Location
}

// section picks the post's section from its categories: the first one
// mapped in SectionsMap, else the first that is one of Sections, else —
// when the magazine configures neither — the first category.
func (r *Rules) section(cats []string) (string, error) {
	for _, c := range cats {
		for k, v := range r.SectionsMap {
			if strings.EqualFold(strings.TrimSpace(c), strings.TrimSpace(k)) {
				return v, nil
			}
		}
	}
	for _, c := range cats {
		for _, s := range r.Sections {
			if strings.EqualFold(strings.TrimSpace(c), s) {
				return s, nil
			}
		}
	}
	if len(r.Sections) == 0 && len(r.SectionsMap) == 0 && len(cats) > 0 && strings.TrimSpace(cats[0]) != "" {
		return strings.TrimSpace(cats[0]), nil
	}
	if len(cats) == 0 {
		return "", errors.New("the post has no category to take its section from")
	}
	return "", fmt.Errorf("none of the post's categories (%s) is a section of the magazine; map one in [content.sections_map]", strings.Join(cats, ", "))
}

// PhotoChecker proves downloaded bytes are a whole JPEG or PNG;
// markdown.CheckPhoto is the one review files get.
type PhotoChecker func(data []byte) (format string, cfg image.Config, err error)

// Size limits for what a source downloads; Source.MaxPhotoBytes replaces
// the photo's.
const (
	MaxFeedBytes  = 10 << 20
	MaxPhotoBytes = 20 << 20
)

// mapped is one post made into a review, or why it could not be.
type mapped struct {
	review *issue.Review
	notes  []string
	errs   []error
}

// review maps p, downloading its photo.
func (s *Source) review(ctx context.Context, p *Post) mapped {
	var m mapped
	title := plainText(s.strip, p.Title)
	fail := func(field string, err error) {
		m.errs = append(m.errs, &ItemError{Feed: s.Feed, Title: title, Key: p.Key(), Field: field, Err: err})
	}
	var base *url.URL
	if u, err := url.Parse(p.URL); err == nil && u.IsAbs() {
		base = u
	}
	body := s.html.Convert(p.Content, base)
	r := &issue.Review{
		Source:    cmpOr(p.URL, p.Key()),
		Slug:      slugFrom(p),
		Title:     title,
		Byline:    plainText(s.strip, p.Author),
		Published: p.Published,
		Body:      body.Blocks,
	}
	if r.Title == "" {
		fail("title", errors.New("the item has no title"))
	}
	var paras []string
	for _, b := range r.Body {
		paras = append(paras, b.PlainText())
	}
	bodyText := strings.Join(paras, "\n")
	r.Deck = deck(plainText(s.strip, p.Subtitle), plainText(s.strip, p.Excerpt), bodyText)
	sec, err := s.Rules.section(p.Categories)
	if err != nil {
		fail("category", err)
	}
	r.Section = sec

	text := strings.Join([]string{r.Title, r.Deck, bodyText}, "\n")
	found, err := findRating(s.Rules.Ratings, text, append(slices.Clone(p.Tags), p.Categories...))
	switch {
	case err != nil:
		fail("rating", err)
	case found != nil:
		r.Rating = &found.rating
		r.Body = dropSaid(r.Body, found.said)
	}
	r.Certificate = findCertificate(paras)
	r.Opens = findOpens(paras)
	if len(r.Body) == 0 {
		fail("content", errors.New("the post has no body text"))
	}

	photoSum, notes, err := s.photo(ctx, p, r, body.Images)
	m.notes = notes
	if err != nil {
		fail("photo", err)
	}
	r.Origin = &issue.Origin{Feed: s.Feed, ID: p.Key(), URL: p.URL, Modified: p.Modified, Version: version(p, photoSum)}
	m.review = r
	return m
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// version is the digest of the post as fetched and of its photo's bytes.
func version(p *Post, photoSum string) string {
	sum := sha256.Sum256([]byte(p.version() + photoSum))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// dropSaid removes a paragraph that only states the rating ("★★★★☆",
// "Rating: 4/5"): the rating is printed from the field.
func dropSaid(body []issue.Block, said string) []issue.Block {
	said = strings.TrimSpace(said)
	if said == "" {
		return body
	}
	return slices.DeleteFunc(body, func(b issue.Block) bool {
		t := strings.Trim(b.PlainText(), " .()")
		return b.Kind == issue.Paragraph && (t == strings.Trim(said, " .()"))
	})
}

// photo chooses, downloads and checks the review's photo: the post's
// featured image, enclosure or media:content, else the first image of the
// body. Body images other than the photo are left out with a note.
func (s *Source) photo(ctx context.Context, p *Post, r *issue.Review, inBody []htmlbody.Image) (sum string, notes []string, err error) {
	var pick *Image
	if len(p.Images) > 0 {
		pick = &p.Images[0]
	} else if len(inBody) > 0 {
		pick = &Image{URL: inBody[0].URL, Caption: inBody[0].Caption}
	}
	left := 0
	for _, img := range inBody {
		if pick != nil && sameImage(img.URL, pick.URL) {
			if pick.Caption == "" {
				pick.Caption = img.Caption
			}
			continue
		}
		left++
	}
	if left > 0 {
		notes = append(notes, fmt.Sprintf("%s: item %q: %d further image(s) of the post left out of the review (an issue prints one photo a review)", s.Feed, r.Title, left))
	}
	if pick == nil {
		return "", notes, nil
	}
	limit := s.MaxPhotoBytes
	if limit <= 0 {
		limit = MaxPhotoBytes
	}
	resp, err := s.Fetch.Get(ctx, fetch.Request{URL: pick.URL, MaxBytes: limit, AllowPrivate: s.AllowPrivate, Accept: "image/jpeg, image/png;q=0.9"})
	if err != nil {
		return "", notes, err
	}
	// A copy cached under a larger limit is held to today's.
	if n := int64(len(resp.Body)); n > limit {
		return "", notes, fmt.Errorf("%s: %w: %d bytes, limit %d ([content] max_photo_mb)", pick.URL, fetch.ErrTooLarge, n, limit)
	}
	format, cfg, err := s.Check(resp.Body)
	if err != nil {
		return "", notes, fmt.Errorf("%s: not a decodable JPEG or PNG image: %w", pick.URL, err)
	}
	caption, credit := plainText(s.strip, pick.Caption), plainText(s.strip, pick.Credit)
	if credit == "" {
		caption, credit = splitCredit(caption)
	}
	r.Photo = &issue.Photo{Path: resp.Path, Caption: caption, Credit: credit, Format: format, Width: cfg.Width, Height: cfg.Height}
	h := sha256.Sum256(resp.Body)
	return hex.EncodeToString(h[:]), notes, nil
}
