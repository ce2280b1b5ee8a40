package post

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/foliopress/folio/issue"
)

// RatingRule finds a rating in a post's text: a regular expression with a
// group named "rating" (the score: 4, 3.5, 3½ or 3,5) and optionally one
// named "scale" (what the score is out of; 5 when absent). Scores on
// another scale are brought to five stars and rounded to the nearest half.
type RatingRule struct {
	re *regexp.Regexp
}

// NewRatingRule compiles pattern, which must have a group named "rating".
func NewRatingRule(pattern string) (*RatingRule, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("rating rule %q: %w", pattern, err)
	}
	if re.SubexpIndex("rating") < 0 {
		return nil, fmt.Errorf("rating rule %q: want a group named rating, as in (?P<rating>[0-9.]+)", pattern)
	}
	return &RatingRule{re: re}, nil
}

func mustRule(pattern string) *RatingRule {
	r, err := NewRatingRule(pattern)
	if err != nil {
		panic(err)
	}
	return r
}

// The built-in rules: "Rating: 3.5/5" (or "out of 5", or no scale) in the
// text, and a tag or category such as "4 stars" or "3.5-star".
var (
	ratingLine = mustRule(`(?i)\brating\s*:\s*(?P<rating>\d+(?:[.,]\d+)?½?)(?:\s*(?:/|out of)\s*(?P<scale>\d+))?`)
	ratingTag  = mustRule(`(?i)^\s*(?P<rating>\d+(?:[.,]5)?½?)[\s-]*stars?\s*$`)
	starRun    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\(?[★☆½]+\)?`) })
	starShape  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(★*)(½?)(☆*)$`) })
)

// ratingMatch is a rating found in the text, and the text that said it.
type ratingMatch struct {
	rating issue.Rating
	said   string
}

// find applies the rule to text; ok is false when it does not match.
func (r *RatingRule) find(text string) (ratingMatch, bool, error) {
	m := r.re.FindStringSubmatch(text)
	if m == nil {
		return ratingMatch{}, false, nil
	}
	scale := 5.0
	if i := r.re.SubexpIndex("scale"); i >= 0 && m[i] != "" {
		s, err := strconv.ParseFloat(m[i], 64)
		if err != nil || s <= 0 {
			return ratingMatch{}, true, fmt.Errorf("%q: the scale is not a positive number", m[0])
		}
		scale = s
	}
	v, err := parseScore(m[r.re.SubexpIndex("rating")])
	if err != nil {
		return ratingMatch{}, true, fmt.Errorf("%q: %w", m[0], err)
	}
	if v > scale {
		return ratingMatch{}, true, fmt.Errorf("%q: a score above its scale", m[0])
	}
	rt, err := issue.NewRating(math.Round(v/scale*5*2) / 2)
	if err != nil {
		return ratingMatch{}, true, fmt.Errorf("%q: %w", m[0], err)
	}
	return ratingMatch{rating: rt, said: m[0]}, true, nil
}

func parseScore(s string) (float64, error) {
	half := strings.HasSuffix(s, "½")
	s = strings.ReplaceAll(strings.TrimSuffix(s, "½"), ",", ".")
	if s == "" && half {
		return 0.5, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q is not a score", s)
	}
	if half {
		v += 0.5
	}
	return v, nil
}

// findStars finds a rating drawn in stars: "★★★★☆", "(★★★½)". A run
// counts when it is parenthesised, draws all five places, or stands alone
// on its line, so a lone ★ used as an ornament is not read as one star.
func findStars(text string) (ratingMatch, bool) {
	if !strings.ContainsAny(text, "★☆½") {
		return ratingMatch{}, false
	}
	for _, loc := range starRun().FindAllStringIndex(text, -1) {
		run := text[loc[0]:loc[1]]
		paren := strings.HasPrefix(run, "(") && strings.HasSuffix(run, ")")
		core := strings.Trim(run, "()")
		m := starShape().FindStringSubmatch(core)
		if m == nil {
			continue
		}
		full, half, empty := strings.Count(m[1], "★"), strings.Count(m[2], "½"), strings.Count(m[3], "☆")
		places := full + half + empty
		if places == 0 || places > issue.MaxStars || full+half == 0 && places != issue.MaxStars {
			continue
		}
		if !paren && places != issue.MaxStars && !aloneOnLine(text, loc[0], loc[1]) {
			continue
		}
		return ratingMatch{rating: issue.Rating{Halves: full*2 + half}, said: run}, true
	}
	return ratingMatch{}, false
}

func aloneOnLine(text string, from, to int) bool {
	start := strings.LastIndexByte(text[:from], '\n') + 1
	end := strings.IndexByte(text[to:], '\n')
	if end < 0 {
		end = len(text)
	} else {
		end += to
	}
	return strings.TrimSpace(text[start:from]) == "" && strings.TrimSpace(text[to:end]) == ""
}

// findRating looks for a rating: the magazine's own rules first, then
// "Rating: x/y", then stars, in the text; then a tag or category like
// "4 stars". A rating that is there but makes no sense is an error.
func findRating(rules []*RatingRule, text string, tags []string) (*ratingMatch, error) {
	hasRating := strings.Contains(strings.ToLower(text), "rating")
	for _, r := range append(rules, ratingLine) {
		if r == ratingLine && !hasRating {
			continue
		}
		m, ok, err := r.find(text)
		if err != nil {
			return nil, err
		}
		if ok {
			return &m, nil
		}
	}
	if m, ok := findStars(text); ok {
		return &m, nil
	}
	for _, tag := range tags {
		m, ok, err := ratingTag.find(tag)
		if err != nil {
			return nil, fmt.Errorf("tag %w", err)
		}
		if ok {
			m.said = "" // a tag is not body text
			return &m, nil
		}
	}
	return nil, nil
}
