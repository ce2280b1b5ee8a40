package delivery

import (
	"time"

	"github.com/foliopress/folio/mailer"
)

// What a failed delivery says about whom it is: the member (an outcome
// recorded now), the relay's pace or connection (the member goes again
// in this run: again), or perhaps the relay (the outcome is held: see
// holding).

// How often one member's message is tried in a run when the failures
// are the relay's pace or connection, not the member's.
const (
	maxThrottledTries  = 6
	maxConnectionTries = 3
)

// again puts c back at the head of the queue, without an outcome, when
// its message failed for a reason that is not the member's and a try is
// left: the relay asked the run to slow down (the whole run then does),
// or the connection failed after carrying earlier messages (a relay that
// ends its sessions with 421; one that learns it is not asked for more
// per connection).
func (w *worker) again(c Claim, sendErr error, a *attempt) bool {
	throttled := mailer.Throttled(sendErr)
	if throttled {
		w.pace.slowDown(time.Now(), w.r.accepted.Load())
	}
	connection := mailer.ConnectionFailure(sendErr) && w.used > 1
	switch {
	case throttled && c.tries+1 < maxThrottledTries:
	case connection && c.tries+1 < maxConnectionTries:
	default:
		return false
	}
	if connection && !throttled && mailer.Code(sendErr) == 421 {
		// A 421 about the session's length, not about the pace: a 421
		// asking to slow down says nothing of how much a connection
		// may carry.
		w.r.learnConnLimit(w.used - 1)
	}
	w.land(a)
	c.tries++
	w.queue = append([]Claim{c}, w.queue...)
	w.prepaid = false
	if w.promised {
		w.hangUp() // the envelope sent ahead was for another member
	}
	if !w.conn.Usable() {
		w.hangUp()
	}
	return true
}

// holdKind says whether a failed delivery's outcome is held (holding):
// a permanent refusal, a message whose fate is unknown (the connection
// died after the whole message went out), or a connection that failed
// on its first message.
func holdKind(sendErr error, class mailer.Class, fresh bool) string {
	switch {
	case sendErr == nil || class == mailer.Pause || mailer.IsLocal(sendErr):
		return ""
	case class == mailer.Permanent:
		return holdRefusal
	case mailer.Ambiguous(sendErr) || (fresh && mailer.ConnectionFailure(sendErr)):
		return holdConnection
	}
	return ""
}

// land ends a message's flight without handing its outcome to the
// committer.
func (w *worker) land(a *attempt) {
	if a.flying {
		a.flying = false
		w.r.inFlight.Add(-1)
	}
}
