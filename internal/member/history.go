package member

import (
	"context"
	"errors"
	"time"
)

// Reason is why an address is on the suppression list.
type Reason string

// The suppression reasons.
const (
	// ReasonUnsubscribe: the member left (one-click, the page, mailto,
	// an import or the billing system's API call saying so).
	ReasonUnsubscribe Reason = "unsubscribe"
	// ReasonComplaint: the member reported the issue as spam (ARF).
	ReasonComplaint Reason = "complaint"
	// ReasonBounce: a hard bounce, or soft bounces over the limit.
	ReasonBounce Reason = "bounce"
	// ReasonManual: the operator suppressed the address.
	ReasonManual Reason = "manual"
)

// Valid reports whether r is one of the known reasons.
func (r Reason) Valid() bool {
	switch r {
	case ReasonUnsubscribe, ReasonComplaint, ReasonBounce, ReasonManual:
		return true
	}
	return false
}

// Status is the member status that goes with a suppression of reason r:
// unsubscribed for an unsubscribe or a complaint, bounced for a bounce,
// and none for the operator's own suppression.
func (r Reason) Status() Status {
	switch r {
	case ReasonUnsubscribe, ReasonComplaint:
		return StatusUnsubscribed
	case ReasonBounce:
		return StatusBounced
	}
	return ""
}

// MemberOnly reports whether only the member can lift a suppression of
// reason r (by opting in again): an unsubscribe or a complaint.
func (r Reason) MemberOnly() bool { return r == ReasonUnsubscribe || r == ReasonComplaint }

// Suppression is an address that is never mailed, and why.
type Suppression struct {
	Email  string
	Reason Reason
	// Detail is what was said: a bounce's status and diagnostic, a
	// complaint's feedback type, the operator's note.
	Detail string
	// Source is where it came from (see Event.Source).
	Source string
	At     time.Time
}

// The kinds of history events (Event.What).
const (
	EventAdded        = "added"        // To: the first status
	EventStatus       = "status"       // From → To
	EventSuppressed   = "suppressed"   // To: the reason
	EventUnsuppressed = "unsuppressed" // From: the reason lifted
	EventConsent      = "consent"      // the member opted in again
	EventDeliverPDF   = "deliver_pdf"  // From → To
	EventSoftBounce   = "soft_bounce"  // To: the issue
)

// Event is one entry of a member's history: what changed, when, why and
// from where.
type Event struct {
	ID       int64
	MemberID int64
	At       time.Time
	What     string
	From, To string
	// Why is the reason in words: "one-click unsubscribe", "550 5.1.1 user
	// unknown", "complaint (abuse)", "pause ended".
	Why string
	// Source is where the change came from: "web", "mailto", "dsn",
	// "arf", "ses", "postmark", "import members.csv:12", "api", "cli",
	// followed by a reference (a message id) where there is one.
	Source string
}

// Consent is a member's recorded opt-in after they had left.
type Consent struct {
	MemberID int64
	Email    string
	At       time.Time
	Source   string // "import members.csv:12", "api", "cli"
	Detail   string // the operator's note: where and how they opted in
}

// Lifecycle errors.
var (
	// ErrNoMember: no member has that id or address.
	ErrNoMember = errors.New("member: no such member")
	// ErrDone: the change's once-key was recorded before, so it was not
	// made again (an inbound message fed twice, a webhook retried).
	ErrDone = errors.New("member: already done")
	// ErrMemberOnly: the suppression is an unsubscribe or a complaint;
	// only the member's own consent lifts it.
	ErrMemberOnly = errors.New("member: only the member can lift an unsubscribe or a complaint (record their consent)")
	// ErrNotSuppressed: the address is not on the suppression list.
	ErrNotSuppressed = errors.New("member: address is not suppressed")
)

// Tx is one store transaction as the lifecycle uses it. Every method
// works inside the transaction Store.Change opened.
type Tx interface {
	// MemberByID and MemberByEmail wrap ErrNoMember when there is none.
	MemberByID(id int64) (Member, error)
	MemberByEmail(email string) (Member, error)
	// Insert adds a member and returns its id.
	Insert(m Member) (int64, error)
	// Update writes m's email, name, tier, status, deliver_pdf and
	// paused_until.
	Update(m Member) error
	// Delete removes a member with their ledger rows, history and
	// consents; a suppression of their address stays.
	Delete(id int64) error
	// Suppression returns the address's suppression, if any.
	Suppression(email string) (Suppression, bool, error)
	// Suppress adds the address to the list, or replaces its entry.
	Suppress(s Suppression) error
	// Unsuppress removes the address from the list.
	Unsuppress(email string) error
	// AddEvent appends to a member's history.
	AddEvent(e Event) error
	// AddConsent records an opt-in.
	AddConsent(c Consent) error
	// SoftBounce records a soft bounce of the member's copy of issueID
	// (empty: their latest issue) and returns the streak: how many of the
	// member's latest issues in a row soft-bounced, at most limit.
	SoftBounce(memberID int64, issueID string, at time.Time, detail string, limit int) (int, error)
}

// Store runs lifecycle changes in transactions.
type Store interface {
	// Change runs fn in one transaction and commits it when fn returns
	// nil. A non-empty once is recorded in the same transaction: if it
	// was recorded before, fn is not run and Change returns ErrDone.
	Change(ctx context.Context, once string, fn func(Tx) error) error
	// History returns a member's events, oldest first.
	History(ctx context.Context, memberID int64) ([]Event, error)
}

// Record is one line of an export: a member with their suppression, or a
// suppressed address that belongs to no member (Member.ID 0).
type Record struct {
	Member      Member
	Suppression Suppression // Reason is empty when the address is not suppressed
}
