package editor

import "time"

// Throttle is the login limit: after Failures failed logins within Window
// for one account, or AddressFailures from one address, further attempts
// are refused for Lockout, even with the right password. It is kept in the
// store, so it holds across instances and restarts.
type Throttle struct {
	Failures        int
	AddressFailures int
	Window          time.Duration
	Lockout         time.Duration
}

// DefaultThrottle allows five tries an account and twenty an address in
// fifteen minutes, then locks for fifteen minutes.
func DefaultThrottle() Throttle {
	return Throttle{Failures: 5, AddressFailures: 20, Window: 15 * time.Minute, Lockout: 15 * time.Minute}
}

// Attempts is what the store remembers of one key's failed logins.
type Attempts struct {
	Failures    int
	WindowStart time.Time
	LockedUntil time.Time
}

// Fail returns a's state after one more failure at now, with limit as the
// number of failures that locks.
func (t Throttle) Fail(a Attempts, now time.Time, limit int) Attempts {
	if now.Sub(a.WindowStart) > t.Window {
		a = Attempts{WindowStart: now}
	}
	a.Failures++
	if a.Failures >= limit {
		a.LockedUntil = now.Add(t.Lockout)
	}
	return a
}

// Locked reports whether a refuses logins at now.
func (a Attempts) Locked(now time.Time) bool { return now.Before(a.LockedUntil) }
