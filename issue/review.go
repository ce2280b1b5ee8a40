package issue

import (
	"fmt"
	"strings"
	"time"
)

// Review is one critic's review, as parsed from its source file.
type Review struct {
	// Source names where the review came from (a file path), for errors.
	Source string
	// Slug is a stable, URL-safe identifier unique within an issue.
	Slug        string
	Title       string
	Section     string
	Deck        string
	Byline      string
	Published   time.Time
	Rating      *Rating // nil when the review has no rating
	Certificate string
	Credits     []Credit
	Opens       string
	Pullquote   string
	Photo       *Photo // nil when the review has no photo
	Body        []Block
	// Origin is the post the review was collected from, for reviews from
	// the magazine's site; nil for review files.
	Origin *Origin `json:",omitempty"`
}

// Origin names the post a review came from and the version of it the
// review was made from. The issue's manifest keeps it, so a built issue
// records which version of each post it used.
type Origin struct {
	Feed string // the source's URL
	// ID is the post's key: its GUID (or the source's id), else its URL.
	// A post met twice is one review.
	ID       string
	URL      string    // the post's address
	Modified time.Time `json:",omitzero"` // the post's last edit, when the source says
	// Version is "sha256:" and the digest of the post as fetched (and of
	// its photo): any edit changes it.
	Version string
}

// Credit is one ordered "role: names" line, such as Director: Pedro Almodóvar.
type Credit struct {
	Role  string
	Names string
}

// Rating is a score from 0 to 5 stars in steps of half a star, kept as a
// count of half stars so it compares exactly.
type Rating struct {
	Halves int // 0..10
}

// MaxStars is the top of the rating scale.
const MaxStars = 5

// NewRating converts a score such as 3.5 to a Rating. It fails for scores
// outside 0–5 or not a multiple of 0.5.
func NewRating(v float64) (Rating, error) {
	h := v * 2
	if v < 0 || v > MaxStars || h != float64(int(h)) {
		return Rating{}, fmt.Errorf("rating %v: want 0 to 5 in steps of 0.5", v)
	}
	return Rating{Halves: int(h)}, nil
}

// Value is the rating as a number of stars, e.g. 3.5.
func (r Rating) Value() float64 { return float64(r.Halves) / 2 }

// String is the rating as a number: "4" or "3.5".
func (r Rating) String() string {
	if r.Halves%2 == 0 {
		return fmt.Sprintf("%d", r.Halves/2)
	}
	return fmt.Sprintf("%d.5", r.Halves/2)
}

// Full, Half and Empty count the star glyphs the rating is drawn with:
// Full+Half+Empty is always MaxStars.
func (r Rating) Full() int  { return r.Halves / 2 }
func (r Rating) Half() int  { return r.Halves % 2 }
func (r Rating) Empty() int { return MaxStars - r.Full() - r.Half() }

// Stars draws the rating with ★ (full), ½ (half) and ☆ (empty): "★★★½☆".
func (r Rating) Stars() string {
	return strings.Repeat("★", r.Full()) + strings.Repeat("½", r.Half()) + strings.Repeat("☆", r.Empty())
}

// Words is the rating as it is read aloud: "4 out of 5 stars", "3.5 out
// of 5 stars", "1 out of 5 stars".
func (r Rating) Words() string {
	return fmt.Sprintf("%s out of %d stars", r, MaxStars)
}

// Label is the rating for reading: "★★★★☆ (4/5)".
func (r Rating) Label() string {
	return fmt.Sprintf("%s (%s/%d)", r.Stars(), r, MaxStars)
}
