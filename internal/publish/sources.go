package publish

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/foliopress/folio/issue"
)

// Source is where a week's reviews come from: a folder of review files
// (markdown.Source), a feed or a WordPress site (post.Source), or several
// at once (Sources).
type Source interface {
	Collect(ctx context.Context, week issue.Week, skipInvalid bool) (*issue.Collection, error)
}

// Sources fills one issue from several sources, say the review files and
// the magazine's feed. Each is collected (at once, since most of the time
// goes to waiting on the network) under the same skipInvalid; any source
// that fails fails the whole, with every source's errors. A post met in
// two sources (the site's RSS and its WordPress API) is one review: the
// later edit wins. Slugs are made unique across sources, and the reviews
// are grouped again in Sections order.
type Sources struct {
	List     []Source
	Sections []string
}

// Collect implements Source.
func (s Sources) Collect(ctx context.Context, week issue.Week, skipInvalid bool) (*issue.Collection, error) {
	results := make([]*issue.Collection, len(s.List))
	errs := make([]error, len(s.List))
	var wg sync.WaitGroup
	for i, src := range s.List {
		wg.Add(1)
		go func(ctx context.Context) {
			defer wg.Done()
			results[i], errs[i] = src.Collect(ctx, week, skipInvalid)
		}(ctx)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	merged := &issue.Collection{}
	byOrigin := map[string]*issue.Review{}
	slugs := map[string]bool{}
	for _, res := range results {
		merged.Skipped = append(merged.Skipped, res.Skipped...)
		merged.Notes = append(merged.Notes, res.Notes...)
		merged.Drafts += res.Drafts
		merged.OtherWeek += res.OtherWeek
		for _, r := range res.Reviews {
			if r.Origin != nil {
				if prev, ok := byOrigin[r.Origin.ID]; ok {
					if r.Origin.Modified.After(prev.Origin.Modified) {
						slug := prev.Slug
						*prev = *r
						prev.Slug = slug
					}
					continue
				}
				byOrigin[r.Origin.ID] = r
			}
			base := r.Slug
			for n := 2; slugs[r.Slug]; n++ {
				r.Slug = fmt.Sprintf("%s-%d", base, n)
			}
			slugs[r.Slug] = true
			merged.Reviews = append(merged.Reviews, r)
		}
	}
	merged.Sections = issue.Group(merged.Reviews, s.Sections)
	merged.Reviews = merged.Reviews[:0]
	for _, sec := range merged.Sections {
		merged.Reviews = append(merged.Reviews, sec.Reviews...)
	}
	return merged, nil
}
