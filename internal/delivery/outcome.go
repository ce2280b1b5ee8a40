package delivery

import (
	"fmt"
	"time"

	"github.com/foliopress/folio/mailer"
)

// outcome classifies one attempt into the ledger outcome and the result
// reported once it is committed.
func (s *Sender) outcome(r *run, c Claim, reply string, sendErr error, start time.Time) (Outcome, Result) {
	now := s.o.Now()
	res := Result{IssueID: r.issueID, MemberID: c.MemberID, Reply: reply, Duration: time.Since(start), MessageID: c.MessageID}
	o := Outcome{MemberID: c.MemberID, Reply: reply}
	if sendErr == nil {
		o.State = StateSent
	} else {
		res.Class = mailer.Classify(sendErr)
		o.Reply = mailer.ReplyOf(sendErr)
		switch res.Class {
		case mailer.Pause:
			o.State = StatePending
		case mailer.Permanent:
			o.State = StateFailedPerm
			if mailer.Suppressible(sendErr) {
				o.Suppress = c.Member.Email
			}
		default:
			next, ok := nextAttempt(s.o.Retry, s.o.GiveUp, c.Attempts, c.FirstTry, now)
			if ok {
				o.State, o.Next = StateFailedTemp, next
			} else {
				o.State = StateFailedPerm
				o.Reply = fmt.Sprintf("gave up after %d attempts: %s", c.Attempts, o.Reply)
			}
		}
	}
	res.State, res.Reply = o.State, o.Reply
	return o, res
}
