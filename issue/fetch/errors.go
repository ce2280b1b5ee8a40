package fetch

import (
	"errors"
	"fmt"
	"net/http"
)

// Reasons a fetch fails; an *Error wraps one of them or the transport's error.
var (
	ErrTooLarge     = errors.New("response is larger than the limit")
	ErrPrivate      = errors.New("address is in a private or loopback range (set allow_private = true to allow it)")
	ErrScheme       = errors.New("only http and https URLs are fetched")
	ErrRedirects    = errors.New("more than 5 redirects")
	ErrStatus       = errors.New("unexpected HTTP status")
	errNotCacheable = errors.New("fetch: no cache folder")
)

// Error is a failed fetch of URL: the last attempt's HTTP status (0 when no
// answer came) and why.
type Error struct {
	URL      string
	Status   int
	Attempts int
	Err      error
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("fetch %s: ", e.URL)
	if e.Status != 0 {
		msg += fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))
		if e.Err != nil && !errors.Is(e.Err, ErrStatus) {
			msg += ": " + e.Err.Error()
		}
	} else {
		msg += e.Err.Error()
	}
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether trying again later may succeed: a server
// error, a rate limit, a timeout or a dropped connection, but not a
// refused address, a missing page or a body over the limit.
func (e *Error) Temporary() bool {
	if e.Status != 0 {
		return retryStatus(e.Status)
	}
	return !permanent(e.Err)
}

// permanent reports errors no retry can fix.
func permanent(err error) bool {
	return errors.Is(err, ErrTooLarge) || errors.Is(err, ErrPrivate) || errors.Is(err, ErrScheme) ||
		errors.Is(err, ErrRedirects)
}

// retryStatus reports HTTP statuses worth another attempt.
func retryStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500
}
