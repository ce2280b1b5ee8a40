package issue

import (
	"errors"
	"math"
	"testing"
)

func TestParseFocus(t *testing.T) {
	tests := []struct {
		in   string
		want Focus
		ok   bool
	}{
		{"top", Focus{0.5, 0}, true},
		{"Center", Focus{0.5, 0.5}, true},
		{"centre", Focus{0.5, 0.5}, true},
		{"bottom", Focus{0.5, 1}, true},
		{"0.3,0.2", Focus{0.3, 0.2}, true},
		{" 1 , 0 ", Focus{1, 0}, true},
		{"0.3", Focus{}, false},
		{"1.2,0.5", Focus{}, false},
		{"-0.1,0.5", Focus{}, false},
		{"NaN,0.5", Focus{}, false},
		{"left", Focus{}, false},
		{"30%,20%", Focus{}, false},
		{"", Focus{}, false},
	}
	for _, tc := range tests {
		got, err := ParseFocus(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseFocus(%q) = %v, %v", tc.in, got, err)
		}
		if err != nil && !errors.Is(err, ErrBadFocus) {
			t.Errorf("ParseFocus(%q) error %v is not ErrBadFocus", tc.in, err)
		}
	}
}

func TestFocusCrop(t *testing.T) {
	tests := []struct {
		name           string
		f              Focus
		sw, sh, w, h   float64
		wantDX, wantDY float64
	}{
		{"centre", Focus{0.5, 0.5}, 200, 300, 200, 100, 0, 100},
		{"top keeps the top", Focus{0.5, 0}, 200, 300, 200, 100, 0, 0},
		{"bottom keeps the bottom", Focus{0.5, 1}, 200, 300, 200, 100, 0, 200},
		{"a point near the top", Focus{0.5, 0.25}, 200, 300, 200, 100, 0, 25},
		{"sideways", Focus{0.9, 0.5}, 400, 100, 100, 100, 300, 0},
		{"nothing to crop", Focus{0.1, 0.9}, 100, 100, 100, 100, 0, 0},
	}
	for _, tc := range tests {
		dx, dy := tc.f.Crop(tc.sw, tc.sh, tc.w, tc.h)
		if math.Abs(dx-tc.wantDX) > 1e-9 || math.Abs(dy-tc.wantDY) > 1e-9 {
			t.Errorf("%s: Crop = %v, %v; want %v, %v", tc.name, dx, dy, tc.wantDX, tc.wantDY)
		}
	}
}

func TestPhotoAltText(t *testing.T) {
	tests := []struct {
		p    Photo
		want string
	}{
		{Photo{Alt: "A lighthouse at dusk", Caption: "The set"}, "A lighthouse at dusk"},
		{Photo{Caption: "The set"}, "The set"},
		{Photo{}, "Photo for the review of Tango"},
	}
	for _, tc := range tests {
		if got := tc.p.AltText("Tango"); got != tc.want {
			t.Errorf("AltText = %q, want %q", got, tc.want)
		}
	}
	if (&Photo{}).FocusPoint() != (Focus{0.5, 0.5}) {
		t.Error("an unset focus is not the centre")
	}
}

func TestOpensLabel(t *testing.T) {
	iss := &Issue{Labels: map[string]string{"Books": "On sale", "Podcasts": "Streaming"}}
	tests := map[string]string{
		"Film": "Opens", "Stage": "Opens", "Music": "Out", "books": "On sale",
		"Podcasts": "Streaming", "Games": "Opens",
	}
	for sec, want := range tests {
		if got := iss.OpensLabel(sec); got != want {
			t.Errorf("OpensLabel(%q) = %q, want %q", sec, got, want)
		}
	}
	if got := (&Issue{}).OpensLabel("Books"); got != "Published" {
		t.Errorf("default Books label = %q", got)
	}
}

func FuzzParseFocus(f *testing.F) {
	for _, s := range []string{"top", "0.5,0.5", "1,1", "x", "0.3,", ",", "1e-3,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fc, err := ParseFocus(s)
		if err != nil {
			return
		}
		// A parsed focus lies in the picture, and so does every crop.
		if !(fc.X >= 0 && fc.X <= 1 && fc.Y >= 0 && fc.Y <= 1) {
			t.Fatalf("%q → %v", s, fc)
		}
		dx, dy := fc.Crop(300, 200, 100, 100)
		if dx < 0 || dx > 200 || dy < 0 || dy > 100 {
			t.Fatalf("%q: crop %v, %v outside the picture", s, dx, dy)
		}
	})
}
