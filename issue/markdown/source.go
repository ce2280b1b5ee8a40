package markdown

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/foliopress/folio/issue"
)

// Source reads reviews from a folder of Markdown files, walked
// recursively. Files named README.md and hidden files and folders are not
// reviews.
type Source struct {
	dir      string
	loc      *time.Location
	sections []string
	body     *bodyParser
	limits   Limits
}

// NewSource returns a Source over dir. Times without a zone and the week's
// bounds are read in loc. sections, when not empty, is the order of the
// issue's sections and the list of sections a review may name.
func NewSource(dir string, loc *time.Location, sections []string) *Source {
	return &Source{dir: dir, loc: loc, sections: sections, body: newBodyParser(), limits: DefaultLimits()}
}

// WithLimits sets the size and pixel limits of review files and photos
// (zero fields keep their defaults) and returns s.
func (s *Source) WithLimits(l Limits) *Source {
	s.limits = l.orDefault()
	return s
}

// Result is what Collect found for a week.
type Result struct {
	Reviews   []*issue.Review // collected, in issue order
	Sections  []issue.Section // the reviews grouped, in section order
	Skipped   []error         // broken reviews left out under skipInvalid
	Drafts    int             // drafts in the week, never collected
	OtherWeek int             // reviews of other weeks
	// Warnings are things the editor should know that did not stop the
	// collection, such as a symlinked folder that was followed.
	Warnings []string
}

// Collect reads every review file and keeps the week's. A broken review
// fails the whole collection with every problem listed (errors.Join of
// *ReviewError), unless skipInvalid, when it is left out and reported in
// Result.Skipped. A file whose front matter shows it belongs to another
// week, or is a draft, is not checked further: it is not in this issue.
func (s *Source) Collect(ctx context.Context, week issue.Week, skipInvalid bool) (*Result, error) {
	files, warnings, err := s.reviewFiles()
	if err != nil {
		return nil, fmt.Errorf("markdown: read reviews folder: %w", err)
	}
	slices.Sort(files)

	res := &Result{Warnings: warnings}
	var problems []error
	slugs := map[string]int{}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p, errs := s.readReview(f)
		if p != nil && p.fm.PublishedLine > 0 && !p.fm.Published.IsZero() && !week.Contains(p.fm.Published, s.loc) {
			res.OtherWeek++
			continue
		}
		if p != nil && p.draft {
			res.Drafts++
			continue
		}
		if p != nil {
			errs = append(errs, s.check(p)...)
		}
		if len(errs) > 0 {
			if skipInvalid {
				res.Skipped = append(res.Skipped, errors.Join(errs...))
				continue
			}
			problems = append(problems, errs...)
			continue
		}
		r := p.review
		r.Slug = slugify(filepath.Base(f))
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
	res.Sections = s.group(res.Reviews)
	res.Reviews = res.Reviews[:0]
	for _, sec := range res.Sections {
		res.Reviews = append(res.Reviews, sec.Reviews...)
	}
	return res, nil
}

// check finishes a collected review and runs the checks that matter only
// for it: it has a body, its section is one the magazine prints, and its
// photo is really an image.
func (s *Source) check(p *parsed) []error {
	var errs []error
	if err := s.parseBody(p); err != nil {
		errs = append(errs, err)
	}
	r := p.review
	if len(s.sections) > 0 && r.Section != "" && !slices.Contains(s.sections, r.Section) {
		errs = append(errs, &ReviewError{File: r.Source, Field: "section",
			Err: fmt.Errorf("%q is not one of the magazine's sections (%s)", r.Section, strings.Join(s.sections, ", "))})
	}
	if p.fm.Photo != nil {
		ph, err := s.loadPhoto(r.Source, p.fm.Photo)
		if err != nil {
			errs = append(errs, &ReviewError{File: r.Source, Line: p.fm.Photo.Line + 1, Field: "photo.file", Err: err})
		}
		r.Photo = ph
	}
	return errs
}

// group orders reviews into sections: the configured order, else
// alphabetical; within a section by publication time, then title.
func (s *Source) group(reviews []*issue.Review) []issue.Section {
	by := map[string][]*issue.Review{}
	for _, r := range reviews {
		by[r.Section] = append(by[r.Section], r)
	}
	order := s.sections
	if len(order) == 0 {
		for name := range by {
			order = append(order, name)
		}
		slices.Sort(order)
	}
	var out []issue.Section
	for _, name := range order {
		rs := by[name]
		if len(rs) == 0 {
			continue
		}
		slices.SortStableFunc(rs, func(a, b *issue.Review) int {
			if c := a.Published.Compare(b.Published); c != 0 {
				return c
			}
			return strings.Compare(a.Title, b.Title)
		})
		out = append(out, issue.Section{Name: name, Reviews: rs})
	}
	return out
}
