package issue

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Photo is an image that accompanies a review. Path is absolute and the
// image has been checked once, so Width, Height and Format are known.
type Photo struct {
	Path    string
	Caption string
	Credit  string
	// Alt describes the picture for a reader who cannot see it; empty
	// means the caption serves (AltText).
	Alt    string `json:",omitempty"`
	Format string // "jpeg" or "png"
	Width  int
	Height int
	// Focus is the point a crop keeps in view; nil is the centre.
	Focus *Focus `json:",omitempty"`
}

// AltText is the photo's description for readers who cannot see it: its
// alt text, else its caption, else what it accompanies.
func (p *Photo) AltText(title string) string {
	if a := strings.TrimSpace(p.Alt); a != "" {
		return a
	}
	if c := strings.TrimSpace(p.Caption); c != "" {
		return c
	}
	return "Photo for the review of " + title
}

// FocusPoint is the photo's focus, the centre when none was set.
func (p *Photo) FocusPoint() Focus {
	if p.Focus == nil {
		return Focus{X: 0.5, Y: 0.5}
	}
	return *p.Focus
}

// Focus is a point of a photo as fractions of its width and height from
// its top-left corner: {0.5, 0.5} is the centre, {0.5, 0} the middle of
// the top edge.
type Focus struct {
	X, Y float64
}

// ErrBadFocus is wrapped by ParseFocus's errors.
var ErrBadFocus = errors.New("bad focus")

// ParseFocus reads a focus as written in front matter: "top", "center"
// (or "centre"), "bottom", or "x,y" with both fractions from 0 to 1
// ("0.5,0.2").
func ParseFocus(s string) (Focus, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "top":
		return Focus{0.5, 0}, nil
	case "center", "centre", "middle":
		return Focus{0.5, 0.5}, nil
	case "bottom":
		return Focus{0.5, 1}, nil
	}
	xs, ys, ok := strings.Cut(s, ",")
	if !ok {
		return Focus{}, fmt.Errorf("%w %q: want top, center, bottom or x,y (fractions from 0 to 1, e.g. 0.5,0.2)", ErrBadFocus, s)
	}
	x, err1 := strconv.ParseFloat(strings.TrimSpace(xs), 64)
	y, err2 := strconv.ParseFloat(strings.TrimSpace(ys), 64)
	if err1 != nil || err2 != nil || !(x >= 0 && x <= 1) || !(y >= 0 && y <= 1) {
		return Focus{}, fmt.Errorf("%w %q: x and y must be numbers from 0 to 1 (0,0 is the top-left corner)", ErrBadFocus, s)
	}
	return Focus{x, y}, nil
}

// Crop is where a w×h window of an image scaled to sw×sh sits so that
// the focus stays in view: the window's offset from the scaled image's
// top-left, each between 0 and the overflow.
func (f Focus) Crop(sw, sh, w, h float64) (dx, dy float64) {
	return cropOffset(sw, w, f.X), cropOffset(sh, h, f.Y)
}

// cropOffset centres the window on the focus as far as the edges allow.
func cropOffset(scaled, window, at float64) float64 {
	over := scaled - window
	if over <= 0 {
		return 0
	}
	return min(max(at*scaled-window/2, 0), over)
}
