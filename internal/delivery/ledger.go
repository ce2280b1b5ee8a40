package delivery

import (
	"context"
	"errors"
	"iter"
	"time"

	"github.com/foliopress/folio/internal/member"
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
	Member member.Member
	// tries counts the times the Sender put the claim back in this run,
	// after failures that were not the member's.
	tries int
}

// Failure is a failed delivery with the member it was for (Status reports).
type Failure struct {
	Delivery
	Email string
	Name  string
}

// Members streams the members an issue goes to, without loading them all.
type Members interface {
	EligibleMembers(ctx context.Context, a Audience) iter.Seq2[member.Member, error]
}

// ErrLeaseLost is wrapped by Ledger.Record when some rows were no longer
// held by the run (their lease ran out and another run took them); the
// other outcomes are committed.
var ErrLeaseLost = errors.New("delivery: lease lost")

// Outcome is what became of one claimed row.
type Outcome struct {
	MemberID int64
	// State is sent, failed_temp or failed_perm; pending releases the
	// claim without counting the attempt (the run stopped before DATA).
	State    State
	Reply    string
	Next     time.Time // failed_temp: when to try again
	Suppress string    // an address to add to the suppression list
}

// Ledger keeps the per-(issue, member) delivery state. Package store
// implements it on SQLite; every method is one committed transaction.
type Ledger interface {
	Members
	// EnsureDeliveries adds a pending row for every eligible member that
	// has none for issueID yet, and reports how many it added.
	EnsureDeliveries(ctx context.Context, issueID string, a Audience, now time.Time) (int, error)
	// Claim moves up to n due rows — pending, failed_temp with the next
	// attempt at or before now, or sending with the lease ended — to
	// sending for owner with a lease until leaseUntil, and returns them.
	// Rows whose member is no longer eligible become skipped. messageID
	// names a row's message the first time it is claimed; later claims
	// keep that Message-ID.
	Claim(ctx context.Context, issueID, owner string, n int, now, leaseUntil time.Time, messageID func(member.Member) string) ([]Claim, error)
	// Record commits the outcomes of rows owner holds, all in one
	// transaction. Rows owner no longer holds are left unchanged and
	// reported as an error after the rest are committed.
	Record(ctx context.Context, issueID, owner string, outs []Outcome, now time.Time) error
	// BeginOutcomes opens one such transaction for outcomes to be added
	// to as they arrive: the work of writing them is done while the batch
	// is still gathering, and only the commit is left for the end.
	BeginOutcomes(ctx context.Context, issueID, owner string, now time.Time) (OutcomeBatch, error)
	// Counts returns the number of rows of issueID in each state.
	Counts(ctx context.Context, issueID string) (map[State]int, error)
	// Failures lists the failed_perm and failed_temp rows of issueID.
	Failures(ctx context.Context, issueID string) ([]Failure, error)
}

// OwnerBinder is a Ledger that can tell at once that a run died: Send
// binds its owner name before its first claim and releases it when it
// returns. Rows a dead owner held are claimed again straight away, not
// after their lease, and a row it claimed but never handed to the relay
// goes back to pending (same Message-ID) instead of counting as in
// flight. A bound owner also tells other instances that issueID is being
// sent, so they can join in.
type OwnerBinder interface {
	BindOwner(ctx context.Context, issueID, owner string) (release func(), err error)
}

// OutcomeBatch is an open group commit of outcomes (Ledger.BeginOutcomes).
// It is used by one goroutine; Commit or Rollback ends it.
type OutcomeBatch interface {
	// Add writes outcomes into the batch, as Record would.
	Add(outs []Outcome) error
	// Claim takes up to n due rows into the batch, as Ledger.Claim
	// would with the batch's time: a worker's next rows ride on the
	// commit it waits for anyway instead of costing one of their own.
	// They are the worker's only once Commit has returned.
	Claim(n int, leaseUntil time.Time, messageID func(member.Member) string) ([]Claim, error)
	// Commit makes every added outcome durable; rows owner no longer
	// held are reported as Record reports them.
	Commit() error
	Rollback()
}
