package issue

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrBadWeek is returned by ParseWeek for text that is not an ISO week.
var ErrBadWeek = errors.New("issue: bad ISO week")

// Week is an ISO 8601 week, such as 2019-W41. Weeks start on Monday.
type Week struct {
	Year int
	Num  int
}

// ParseWeek parses "2019-W41" (the "W" may be lower case).
func ParseWeek(s string) (Week, error) {
	y, w, ok := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "-W")
	if !ok || len(y) != 4 || len(w) != 2 {
		return Week{}, fmt.Errorf("%w: %q (want YYYY-Www, e.g. 2019-W41)", ErrBadWeek, s)
	}
	year, err1 := strconv.Atoi(y)
	num, err2 := strconv.Atoi(w)
	if err1 != nil || err2 != nil || num < 1 || num > weeksIn(year) {
		return Week{}, fmt.Errorf("%w: %q", ErrBadWeek, s)
	}
	return Week{Year: year, Num: num}, nil
}

// WeekOf returns the ISO week that contains t, read in t's own location.
func WeekOf(t time.Time) Week {
	y, w := t.ISOWeek()
	return Week{Year: y, Num: w}
}

// String formats the week as "2019-W41".
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Num) }

// IsZero reports whether w is the zero Week.
func (w Week) IsZero() bool { return w.Year == 0 && w.Num == 0 }

// Start is Monday 00:00 of the week in loc. It is computed from the calendar
// date, so a DST change in the week does not shift it.
func (w Week) Start(loc *time.Location) time.Time {
	// January 4th is always in week 1.
	jan4 := time.Date(w.Year, time.January, 4, 0, 0, 0, 0, loc)
	offset := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	return time.Date(w.Year, time.January, 4-offset+(w.Num-1)*7, 0, 0, 0, 0, loc)
}

// End is the Monday 00:00 after the week in loc: the week is [Start, End).
func (w Week) End(loc *time.Location) time.Time {
	s := w.Start(loc)
	return time.Date(s.Year(), s.Month(), s.Day()+7, 0, 0, 0, 0, loc)
}

// Contains reports whether t falls in the week, as seen in loc.
func (w Week) Contains(t time.Time, loc *time.Location) bool {
	return !t.Before(w.Start(loc)) && t.Before(w.End(loc))
}

// Next returns the following week.
func (w Week) Next() Week {
	return WeekOf(w.Start(time.UTC).AddDate(0, 0, 7))
}

// Before reports whether w comes before o.
func (w Week) Before(o Week) bool {
	return w.Year < o.Year || (w.Year == o.Year && w.Num < o.Num)
}

// weeksIn returns 52 or 53, the number of ISO weeks of year.
func weeksIn(year int) int {
	_, w := time.Date(year, time.December, 28, 12, 0, 0, 0, time.UTC).ISOWeek()
	return w
}
