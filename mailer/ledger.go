package mailer

import (
	"context"
	"iter"
	"time"
)

// State is a delivery's place in the ledger's state machine:
// pending → sending → sent | failed_temp (next attempt) | failed_perm.
type State string

// The ledger states.
const (
	StatePending    State = "pending"
	StateSending    State = "sending"
	StateSent       State = "sent"
	StateFailedTemp State = "failed_temp"
	StateFailedPerm State = "failed_perm"
	// StateSkipped marks a row whose member stopped being eligible
	// (unsubscribed, paused, suppressed) before it was sent.
	StateSkipped State = "skipped"
)

// States lists every state in lifecycle order (for reports).
func States() []State {
	return []State{StatePending, StateSending, StateSent, StateFailedTemp, StateFailedPerm, StateSkipped}
}

// Audience selects the members an issue goes to: status active, not
// suppressed, and (when Tiers is not empty) a tier in Tiers.
type Audience struct {
	Tiers []string
}

// Delivery is one ledger row: one (issue, member) pair.
type Delivery struct {
	IssueID     string
	MemberID    int64
	State       State
	MessageID   string    // set on first claim, reused on every resend
	Attempts    int       // claims so far
	FirstTry    time.Time // first claim; retries give up relative to it
	NextAttempt time.Time // failed_temp: when due; sending: lease end
	Reply       string    // the server's last reply (or the error)
	UpdatedAt   time.Time
}

// Claim is a delivery just moved to sending, with its member.
type Claim struct {
	Delivery
	Member Member
}

// Failure is a failed delivery with the member it was for (Status reports).
type Failure struct {
	Delivery
	Email string
	Name  string
}

// Members streams the members an issue goes to, without loading them all.
type Members interface {
	EligibleMembers(ctx context.Context, a Audience) iter.Seq2[Member, error]
}

// Ledger keeps the per-(issue, member) delivery state. Package store
// implements it on SQLite; every method is one committed transaction.
type Ledger interface {
	Members
	// EnsureDeliveries adds a pending row for every eligible member that
	// has none for issueID yet, and reports how many it added.
	EnsureDeliveries(ctx context.Context, issueID string, a Audience, now time.Time) (int, error)
	// ClaimNext skips rows whose member is no longer eligible (marking
	// them skipped) and moves one due row — pending, failed_temp with its next
	// attempt at or before now, or sending with its lease ended — to
	// sending with a lease until leaseUntil, and returns it; nil when none
	// is due. messageID names the message when the row has none yet.
	ClaimNext(ctx context.Context, issueID string, now, leaseUntil time.Time, messageID func(Member) string) (*Claim, error)
	// MarkSent records the server's reply for a row this run claimed.
	MarkSent(ctx context.Context, issueID string, memberID int64, reply string, now time.Time) error
	// MarkFailed records a failure: StateFailedTemp with next set, or
	// StateFailedPerm.
	MarkFailed(ctx context.Context, issueID string, memberID int64, state State, reply string, next, now time.Time) error
	// Release returns a claimed row to pending without counting the
	// attempt (the run stopped before its DATA began).
	Release(ctx context.Context, issueID string, memberID int64, now time.Time) error
	// Suppress adds an address to the suppression list.
	Suppress(ctx context.Context, email, reason string, now time.Time) error
	// Counts returns the number of rows of issueID in each state.
	Counts(ctx context.Context, issueID string) (map[State]int, error)
	// Failures lists the failed_perm and failed_temp rows of issueID.
	Failures(ctx context.Context, issueID string) ([]Failure, error)
}
