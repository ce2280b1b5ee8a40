package post

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/microcosm-cc/bluemonday"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/fetch"
	"github.com/foliopress/folio/issue/htmlbody"
)

// Lister lists a site's posts; from and to are the week's bounds, which a
// source that can ask by date (WordPress) passes on, and one that cannot
// (a feed) checks it reaches back far enough.
type Lister interface {
	Posts(ctx context.Context, from, to time.Time) ([]Post, error)
}

// Getter fetches a URL; *fetch.Client is the polite one.
type Getter interface {
	Get(ctx context.Context, req fetch.Request) (*fetch.Response, error)
}

// Source collects the week's reviews from one site.
type Source struct {
	// Feed is the source's URL, named in every error.
	Feed         string
	Lister       Lister
	Fetch        Getter
	AllowPrivate bool
	Rules        Rules
	// Check proves a downloaded photo whole and within the pixel limit
	// ([content] max_photo_megapixels, through markdown.Limits.CheckPhoto).
	Check PhotoChecker
	// MaxPhotoBytes caps a photo's size ([content] max_photo_mb, as for
	// review files' photos); zero is MaxPhotoBytes.
	MaxPhotoBytes int64
	// Workers is how many posts are mapped (and their photos fetched) at
	// once (4); the fetcher's per-host limit still applies.
	Workers int

	html  *htmlbody.Converter
	strip *bluemonday.Policy
}

// NewSource returns a Source over the posts l lists.
func NewSource(feed string, l Lister, g Getter, allowPrivate bool, rules Rules, check PhotoChecker) *Source {
	if rules.Location == nil {
		rules.Location = time.UTC
	}
	return &Source{Feed: feed, Lister: l, Fetch: g, AllowPrivate: allowPrivate, Rules: rules, Check: check,
		html: htmlbody.New(), strip: bluemonday.StrictPolicy()}
}

// Collect lists the posts and makes the week's into reviews. A source
// that cannot be read (down, broken, not a feed) fails the collection
// even under skipInvalid: its reviews would otherwise vanish unnamed. A
// broken item fails it too, with every problem named (errors.Join of
// *ItemError), unless skipInvalid, when it is left out and listed in
// Skipped. An item without a date is broken whatever the week, since its
// week cannot be known.
func (s *Source) Collect(ctx context.Context, week issue.Week, skipInvalid bool) (*issue.Collection, error) {
	loc := s.Rules.Location
	posts, err := s.Lister.Posts(ctx, week.Start(loc), week.End(loc))
	if err != nil {
		return nil, err
	}
	res := &issue.Collection{}
	var problems []error
	report := func(errs ...error) {
		if skipInvalid {
			res.Skipped = append(res.Skipped, errors.Join(errs...))
		} else {
			problems = append(problems, errs...)
		}
	}
	var todo []*Post
	byKey := map[string]int{}
	for i := range posts {
		p := &posts[i]
		title := plainText(s.strip, p.Title)
		switch {
		case p.Key() == "":
			report(&ItemError{Feed: s.Feed, Title: title, Err: errors.New("the item has neither a GUID nor a link to tell it by")})
			continue
		case p.Published.IsZero():
			report(&ItemError{Feed: s.Feed, Title: title, Key: p.Key(), Field: "published", Err: errors.New("the item has no publication date")})
			continue
		case !week.Contains(p.Published, loc):
			res.OtherWeek++
			continue
		case p.Draft:
			res.Drafts++
			continue
		}
		// A post met twice is one review: the later edit wins.
		if j, ok := byKey[p.Key()]; ok {
			if p.Modified.After(todo[j].Modified) {
				todo[j] = p
			}
			continue
		}
		byKey[p.Key()] = len(todo)
		todo = append(todo, p)
	}
	out := s.mapAll(ctx, todo)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	slugs := map[string]int{}
	for _, m := range out {
		res.Notes = append(res.Notes, m.notes...)
		if len(m.errs) > 0 {
			report(m.errs...)
			continue
		}
		r := m.review
		if n := slugs[r.Slug]; n > 0 {
			slugs[r.Slug]++
			r.Slug = fmt.Sprintf("%s-%d", r.Slug, n+1)
		} else {
			slugs[r.Slug] = 1
		}
		res.Reviews = append(res.Reviews, r)
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	res.Sections = issue.Group(res.Reviews, s.Rules.Sections)
	res.Reviews = res.Reviews[:0]
	for _, sec := range res.Sections {
		res.Reviews = append(res.Reviews, sec.Reviews...)
	}
	return res, nil
}

// mapAll maps posts on a few goroutines, keeping their order.
func (s *Source) mapAll(ctx context.Context, posts []*Post) []mapped {
	out := make([]mapped, len(posts))
	workers := s.Workers
	if workers <= 0 {
		workers = 4
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(posts)) {
		wg.Add(1)
		go func(ctx context.Context) {
			defer wg.Done()
			for i := range next {
				out[i] = s.review(ctx, posts[i])
			}
		}(ctx)
	}
	for i := range posts {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}
