package markdown

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/foliopress/folio/issue"
)

// parsed is a review file read up to the point its week is known; the
// costly work (the Markdown body, the photo check) waits until the review
// is collected, so a folder of years of reviews costs only front matter.
type parsed struct {
	review   *issue.Review
	fm       *frontMatter
	draft    bool
	body     []byte // Markdown, parsed only once the review is collected
	bodyLine int
}

// readReview parses one review file. It returns every problem it finds,
// not just the first, so an editor can fix a file in one go.
func (s *Source) readReview(path string) (*parsed, []error) {
	data, err := readCapped(path, s.limits.ReviewBytes, "review")
	if err != nil {
		return nil, []error{&ReviewError{File: path, Err: err}}
	}
	return s.parseReview(path, data)
}

// parseReview is readReview for a file already read; path names it.
func (s *Source) parseReview(path string, data []byte) (*parsed, []error) {
	if !utf8.Valid(data) {
		return nil, []error{&ReviewError{File: path, Line: invalidUTF8Line(data), Err: errors.New("invalid UTF-8 text (save the file as UTF-8)")}}
	}
	yml, body, bodyLine, err := splitFrontMatter(data)
	if err != nil {
		return nil, []error{&ReviewError{File: path, Line: 1, Err: err}}
	}
	fm, errs := parseFrontMatter(path, yml, 1, s.loc)
	if fm == nil {
		return nil, errs
	}
	r := &issue.Review{
		Source:      path,
		Title:       smartText(fm.Title),
		Section:     fm.Section,
		Deck:        smartText(fm.Deck),
		Byline:      smartText(fm.Byline),
		Published:   fm.Published,
		Certificate: fm.Certificate,
		Opens:       smartText(fm.Opens),
		Pullquote:   smartText(fm.Pullquote),
	}
	if fm.Rating != nil {
		rt, err := issue.NewRating(*fm.Rating)
		if err != nil {
			errs = append(errs, &ReviewError{File: path, Line: fm.RatingLine, Field: "rating", Err: err})
		} else {
			r.Rating = &rt
		}
	}
	for _, c := range fm.Credits {
		r.Credits = append(r.Credits, issue.Credit{Role: smartText(c[0]), Names: smartText(c[1])})
	}
	return &parsed{review: r, fm: fm, draft: fm.Draft, body: body, bodyLine: bodyLine}, errs
}

// parseBody parses the Markdown body of a collected review; an empty body
// is an error, never an empty article.
func (s *Source) parseBody(p *parsed) error {
	p.review.Body = s.body.Parse(p.body)
	if len(p.review.Body) == 0 {
		return &ReviewError{File: p.review.Source, Line: p.bodyLine, Err: errors.New("the review has no body text")}
	}
	return nil
}

// loadPhoto resolves the photo beside the review and checks it is a whole
// JPEG or PNG within the limits, so a damaged or oversized file fails here
// and not in the typesetter. The photo must lie inside the content folder:
// photo.file is relative to the review and never climbs out with "..".
func (s *Source) loadPhoto(reviewPath string, ref *photoRef) (*issue.Photo, error) {
	p, err := photoPath(reviewPath, ref.File)
	if err != nil {
		return nil, err
	}
	// Only the header is kept: the bytes are checked in a buffer that the
	// next photo reuses, so a build's photos are not megabytes of fresh
	// memory each.
	buf, _ := s.photoBufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer s.photoBufs.Put(buf)
	data, err := readCappedInto(buf, p, s.limits.PhotoBytes, "photo")
	if err != nil {
		return nil, err
	}
	format, cfg, err := checkImage(data, s.limits.PhotoPixels)
	if errors.Is(err, ErrTooLarge) {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: not a decodable JPEG or PNG image: %w", p, err)
	}
	return &issue.Photo{Path: p, Caption: ref.Caption, Credit: ref.Credit, Format: format, Width: cfg.Width, Height: cfg.Height}, nil
}

// photoPath joins photo.file to the review's folder. An absolute path or a
// ".." step is an error: a review names its photo beside it or below it,
// so nothing outside the content folder can be pulled into an issue.
func photoPath(reviewPath, file string) (string, error) {
	slashed := filepath.ToSlash(file)
	if filepath.IsAbs(file) || strings.HasPrefix(slashed, "/") || filepath.VolumeName(file) != "" {
		return "", fmt.Errorf("%q is an absolute path; name the photo relative to the review file, such as %q", file, filepath.Base(file))
	}
	for _, part := range strings.Split(slashed, "/") {
		if part == ".." {
			return "", fmt.Errorf("%q leaves the review's folder with \"..\"; keep the photo beside the review or in a folder below it", file)
		}
	}
	if !filepath.IsLocal(file) {
		return "", fmt.Errorf("%q is not a file name inside the content folder", file)
	}
	return filepath.Join(filepath.Dir(reviewPath), file), nil
}

func invalidUTF8Line(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return line
}

// slugify makes a URL-safe name from a file name: "Pain & Glory.md" →
// "pain-glory".
func slugify(name string) string {
	name = strings.TrimSuffix(name, filepath.Ext(name))
	var sb strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			sb.WriteRune(r)
			dash = false
		case !dash && sb.Len() > 0:
			sb.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(sb.String(), "-")
	if s == "" {
		s = "review"
	}
	return s
}
