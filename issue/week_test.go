package issue

import (
	"errors"
	"testing"
	"time"
)

func TestParseWeek(t *testing.T) {
	tests := []struct {
		in   string
		want Week
		ok   bool
	}{
		{"2019-W41", Week{2019, 41}, true},
		{"2026-w10", Week{2026, 10}, true},
		{"2020-W53", Week{2020, 53}, true},
		{"2021-W53", Week{}, false}, // 2021 has 52 weeks
		{"2019-W00", Week{}, false},
		{"2019-41", Week{}, false},
		{"19-W41", Week{}, false},
		{"2019-W4", Week{}, false},
		{"", Week{}, false},
	}
	for _, tc := range tests {
		got, err := ParseWeek(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseWeek(%q) = %v, %v", tc.in, got, err)
		}
		if err != nil && !errors.Is(err, ErrBadWeek) {
			t.Errorf("ParseWeek(%q) error %v is not ErrBadWeek", tc.in, err)
		}
		if tc.ok && got.String() != normal(tc.in) {
			t.Errorf("String() = %q", got.String())
		}
	}
}

func normal(s string) string {
	if s[5] == 'w' {
		return s[:5] + "W" + s[6:]
	}
	return s
}

func TestWeekBounds(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		week       Week
		start, end string
	}{
		{Week{2019, 41}, "2019-10-07", "2019-10-14"},
		{Week{2026, 1}, "2025-12-29", "2026-01-05"},
		{Week{2020, 53}, "2020-12-28", "2021-01-04"},
		{Week{2026, 10}, "2026-03-02", "2026-03-09"}, // DST starts Sunday 8 March
		{Week{2026, 44}, "2026-10-26", "2026-11-02"}, // DST ends Sunday 1 November
	}
	for _, tc := range tests {
		s, e := tc.week.Start(ny), tc.week.End(ny)
		if s.Format("2006-01-02 15:04") != tc.start+" 00:00" || e.Format("2006-01-02 15:04") != tc.end+" 00:00" {
			t.Errorf("%v: [%v, %v)", tc.week, s, e)
		}
		if WeekOf(s) != tc.week || WeekOf(e.Add(-time.Nanosecond)) != tc.week || WeekOf(e) == tc.week {
			t.Errorf("%v: WeekOf disagrees with bounds", tc.week)
		}
		if tc.week.Next().Start(ny) != e {
			t.Errorf("%v: Next starts %v, want %v", tc.week, tc.week.Next().Start(ny), e)
		}
	}
}

func TestRating(t *testing.T) {
	tests := []struct {
		v     float64
		stars string
		label string
	}{
		{0, "☆☆☆☆☆", "☆☆☆☆☆ (0/5)"},
		{4, "★★★★☆", "★★★★☆ (4/5)"},
		{3.5, "★★★½☆", "★★★½☆ (3.5/5)"},
		{5, "★★★★★", "★★★★★ (5/5)"},
	}
	for _, tc := range tests {
		r, err := NewRating(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		if r.Stars() != tc.stars || r.Label() != tc.label || r.Value() != tc.v {
			t.Errorf("%v: %q %q", tc.v, r.Stars(), r.Label())
		}
	}
	for _, bad := range []float64{-0.5, 5.5, 3.3, 6} {
		if _, err := NewRating(bad); err == nil {
			t.Errorf("NewRating(%v) accepted", bad)
		}
	}
}

func TestMastheadNumber(t *testing.T) {
	m := Masthead{FirstIssue: Week{2025, 50}}
	if n := m.Number(Week{2026, 2}); n != 5 {
		t.Errorf("number = %d, want 5", n)
	}
	if n := (Masthead{}).Number(Week{2026, 10}); n != 10 {
		t.Errorf("default number = %d", n)
	}
}

func FuzzParseWeek(f *testing.F) {
	for _, s := range []string{"2019-W41", "2020-W53", "2021-W53", "x", "2019-W4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWeek(s)
		if err != nil {
			return
		}
		// A parsed week round-trips and its Monday lies in it.
		if back, err := ParseWeek(w.String()); err != nil || back != w || WeekOf(w.Start(time.UTC)) != w {
			t.Fatalf("%q → %v → %v, %v", s, w, back, err)
		}
	})
}
