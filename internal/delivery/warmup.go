package delivery

import (
	"math"
	"time"
)

// Warmup raises a new sending domain's daily cap step by step, as
// mailbox providers expect of a sender they do not know yet: First
// messages on the day of Start, growing by the same factor every day to
// Last on day Days, and no cap after that. The zero Warmup is off.
type Warmup struct {
	Start       time.Time
	First, Last int
	Days        int
}

func (w Warmup) enabled() bool { return w.First > 0 && w.Days > 0 && !w.Start.IsZero() }

// Cap is the daily cap on day (0: none).
func (w Warmup) Cap(day time.Time) int {
	if !w.enabled() {
		return 0
	}
	n := int(dayOf(day).Sub(dayOf(w.Start)).Hours() / 24)
	switch {
	case n < 0:
		return w.First
	case n >= w.Days:
		return 0
	case w.Days == 1 || w.Last <= w.First:
		return max(w.First, w.Last)
	}
	f := float64(w.First) * math.Pow(float64(w.Last)/float64(w.First), float64(n)/float64(w.Days-1))
	return int(math.Round(f))
}
