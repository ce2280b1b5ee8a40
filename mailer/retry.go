package mailer

import "time"

// DefaultRetry returns the default backoff after the 1st, 2nd, …
// temporary failure: 5m, 15m, 30m, 1h, then every 2h (RFC 5321 §4.5.4.1:
// growing intervals). The last step repeats.
func DefaultRetry() []time.Duration {
	return []time.Duration{5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour}
}

// DefaultGiveUp is how long a temporarily failing delivery is retried.
const DefaultGiveUp = 72 * time.Hour

// nextAttempt returns when to retry after the attempts-th failure, and
// false when the delivery first tried at first should be given up.
func nextAttempt(schedule []time.Duration, giveUp time.Duration, attempts int, first, now time.Time) (time.Time, bool) {
	if len(schedule) == 0 {
		schedule = DefaultRetry()
	}
	if giveUp <= 0 {
		giveUp = DefaultGiveUp
	}
	i := min(max(attempts-1, 0), len(schedule)-1)
	next := now.Add(schedule[i])
	if next.Sub(first) > giveUp {
		return time.Time{}, false
	}
	return next, true
}
