package schedule

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// ErrBadSpec wraps every problem with a cron spec.
var ErrBadSpec = errors.New("schedule: bad cron spec")

// Spec is a parsed cron spec: the five standard fields read as wall-clock
// time in Location.
type Spec struct {
	Text     string
	Location *time.Location
	wall     *cron.SpecSchedule // evaluated on wall-clock time labelled UTC
}

var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Parse reads "CRON_TZ=Zone m h dom mon dow" (or TZ=; without a zone,
// fallback is used). Unlike robfig's parser it never panics: a malformed
// zone prefix is an error.
func Parse(text string, fallback *time.Location) (s *Spec, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("%w %q: %v", ErrBadSpec, text, r)
		}
	}()
	loc := fallback
	rest := strings.TrimSpace(text)
	if strings.HasPrefix(rest, "CRON_TZ=") || strings.HasPrefix(rest, "TZ=") {
		zone, fields, ok := strings.Cut(rest, " ")
		if !ok {
			return nil, fmt.Errorf("%w %q: a time zone but no schedule", ErrBadSpec, text)
		}
		_, name, _ := strings.Cut(zone, "=")
		l, err := time.LoadLocation(name)
		if name == "" {
			err = errors.New("empty time zone name")
		}
		if err != nil {
			return nil, fmt.Errorf("%w %q: time zone: %w", ErrBadSpec, text, err)
		}
		loc, rest = l, strings.TrimSpace(fields)
	}
	if loc == nil {
		loc = time.UTC
	}
	sched, err := parser.Parse(rest)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %w", ErrBadSpec, text, err)
	}
	ss, ok := sched.(*cron.SpecSchedule)
	if !ok {
		// @every durations have no wall-clock meaning for a weekly issue.
		return nil, fmt.Errorf("%w %q: use a calendar schedule, not @every", ErrBadSpec, text)
	}
	wall := *ss
	wall.Location = time.UTC
	return &Spec{Text: text, Location: loc, wall: &wall}, nil
}

// CronSpec is the spec as robfig/cron takes it, with its zone.
func (s *Spec) CronSpec() string {
	rest := strings.TrimSpace(s.Text)
	if strings.HasPrefix(rest, "CRON_TZ=") || strings.HasPrefix(rest, "TZ=") {
		_, rest, _ = strings.Cut(rest, " ")
	}
	return "CRON_TZ=" + s.Location.String() + " " + strings.TrimSpace(rest)
}

// Last returns the latest fire time at or before now. Fire times are wall
// clock times: one that falls in a spring-forward gap moves forward by the
// gap (02:30 becomes 03:30), one in a fall-back hour happens once. It looks
// back at most 31 days and reports false when the spec fired in none.
func (s *Spec) Last(now time.Time) (time.Time, bool) {
	// A week back finds a weekly spec's fire cheaply; monthly specs need more.
	if t, ok := s.last(now, 8); ok {
		return t, ok
	}
	return s.last(now, 31)
}

func (s *Spec) last(now time.Time, days int) (time.Time, bool) {
	local := now.In(s.Location)
	wallNow := time.Date(local.Year(), local.Month(), local.Day(), local.Hour(), local.Minute(), local.Second(), local.Nanosecond(), time.UTC)
	var last time.Time
	found := false
	for w := s.wall.Next(wallNow.AddDate(0, 0, -days)); !w.IsZero() && !w.After(wallNow.Add(2*time.Hour)); w = s.wall.Next(w) {
		real := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, s.Location)
		// Across a spring-forward gap real times are not monotonic in wall
		// time, so keep the latest rather than stopping at the first miss.
		if !real.After(now) && (!found || real.After(last)) {
			last, found = real, true
		}
	}
	return last, found
}

// Next returns the first fire time after now, read as wall-clock time as
// Last reads it (a time in a spring-forward gap moves forward by the
// gap); zero when the spec never fires again.
func (s *Spec) Next(now time.Time) time.Time {
	local := now.In(s.Location)
	wallNow := time.Date(local.Year(), local.Month(), local.Day(), local.Hour(), local.Minute(), local.Second(), local.Nanosecond(), time.UTC)
	for w := s.wall.Next(wallNow.Add(-2 * time.Hour)); !w.IsZero(); w = s.wall.Next(w) {
		if real := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, s.Location); real.After(now) {
			return real
		}
		if w.Sub(wallNow) > 400*24*time.Hour {
			break
		}
	}
	return time.Time{}
}
