package member

// Decision is what an import or an upsert does with one incoming member,
// given what the store already knows about the address.
type Decision struct {
	// Status is the status the member ends with.
	Status Status
	// Kept: the incoming status would have made a member who left (or
	// whose address is suppressed) receive issues again, and was refused.
	Kept bool
	// Resubscribed: they had left and opted in again; the suppression is
	// lifted and the consent recorded.
	Resubscribed bool
	// Suppress is the suppression to add, when the address has none.
	Suppress Reason
}

// Decide applies the rule that unsubscribes stick. current is the stored
// member's status ("" for a new member), suppressed the reason the
// address is suppressed ("" when it is not), want the incoming status and
// resubscribe whether the operator says the member opted in again.
//
//   - A member who left (unsubscribed, bounced, or suppressed) is never
//     made active or paused again unless resubscribe: the incoming status
//     is kept out and reported, and the status follows the suppression.
//   - An incoming unsubscribed or bounced status is taken (an unsubscribe
//     is never turned into a bounce), and the address is suppressed.
func Decide(current Status, suppressed Reason, want Status, resubscribe bool) Decision {
	left := current.Left() || suppressed != ""
	switch {
	case !want.Left() && left && resubscribe:
		return Decision{Status: want, Resubscribed: true}
	case !want.Left() && left:
		st := want
		switch {
		case current.Left():
			st = current
		case suppressed.Status() != "":
			st = suppressed.Status()
		}
		return Decision{Status: st, Kept: true}
	case want.Left():
		st := want
		if current == StatusUnsubscribed {
			st = current
		}
		d := Decision{Status: st}
		if suppressed == "" {
			d.Suppress = ReasonFor(st)
		}
		return d
	}
	return Decision{Status: want}
}

// ReasonFor is the suppression reason that goes with a status that left.
func ReasonFor(st Status) Reason {
	switch st {
	case StatusUnsubscribed:
		return ReasonUnsubscribe
	case StatusBounced:
		return ReasonBounce
	}
	return ""
}

// rank orders suppression reasons: a stronger one replaces a weaker one
// (a complaint after an unsubscribe), never the other way round.
func (r Reason) rank() int {
	switch r {
	case ReasonComplaint:
		return 4
	case ReasonUnsubscribe:
		return 3
	case ReasonBounce:
		return 2
	case ReasonManual:
		return 1
	}
	return 0
}
