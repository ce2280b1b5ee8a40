package markdown

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

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
	// photoBufs are buffers for checking photos, reused across them.
	photoBufs sync.Pool
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
type Result = issue.Collection

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
	// A symlinked folder followed is a note: the editor sees where the
	// reviews behind it came from.
	res := &Result{Notes: warnings}
	read, err := s.readAll(ctx, files, week)
	if err != nil {
		return nil, err
	}
	var problems []error
	slugs := map[string]int{}
	for i, f := range files {
		p, errs := read[i].p, read[i].errs
		switch {
		case read[i].otherWeek:
			res.OtherWeek++
			continue
		case p != nil && p.draft:
			res.Drafts++
			continue
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

// readResult is one review file as readAll found it.
type readResult struct {
	p         *parsed
	errs      []error
	otherWeek bool // its front matter dates it outside the week
}

// readAll reads and checks the review files on every core (parsing the
// bodies and checking the photos' bytes is most of a collection), in
// their order.
func (s *Source) readAll(ctx context.Context, files []string, week issue.Week) ([]readResult, error) {
	out := make([]readResult, len(files))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, f := range files {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			p, errs := s.readReview(f)
			if p != nil && p.fm.PublishedLine > 0 && !p.fm.Published.IsZero() && !week.Contains(p.fm.Published, s.loc) {
				out[i].otherWeek = true
				return nil
			}
			if p != nil && !p.draft {
				errs = append(errs, s.check(p)...)
			}
			out[i].p, out[i].errs = p, errs
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
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
		if ph != nil {
			ph.Caption = smartText(ph.Caption)
			ph.Credit = smartText(ph.Credit)
			ph.Alt = smartText(p.fm.Photo.Alt)
			ph.Focus = p.fm.Photo.Focus
		}
		r.Photo = ph
	}
	return errs
}

// group orders reviews into sections: the configured order, else
// alphabetical; within a section by publication time, then title.
func (s *Source) group(reviews []*issue.Review) []issue.Section {
	return issue.Group(reviews, s.sections)
}
