package mailer

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"regexp"
	"strings"
	"sync"
)

// Outgoing is one rendered message on its way to one recipient.
type Outgoing struct {
	IssueID   string
	MemberID  int64 // 0 for a test copy
	MessageID string
	From      string // envelope sender (bare address)
	To        string // envelope recipient (bare address)
	Data      []byte // the message, CRLF line ends

	// Gate, when set, stands between the body and the final dot: the
	// Sender sends the dot only once the previous outcome's commit is
	// done, so the relay cannot accept this message before that outcome
	// is durable. The transport hands it dot, which writes the final dot
	// (and next); gate calls it, itself or from the committer right after
	// that commit, and returns its error. An error from gate itself (dot
	// not called) abandons the transaction undelivered. A transport that
	// cannot hand the dot over passes nil and writes it once gate
	// returns. Only transports that report GatesDot call it. GateOpen,
	// when set, says whether gate would go on at once.
	Gate     func(dot func() error) error
	GateOpen func() bool
	// Next, when set, is the envelope of the message the same connection
	// carries next: a pipelining transport sends it right behind this
	// message's final dot (RFC 2920 lets message content open a group).
	Next *Envelope
	// AfterDot, when set, runs once the final dot (and next) are out and
	// before the relay's reply is read: the Sender renders the next
	// message while the relay takes this one.
	AfterDot func()
}

// Envelope is a message's SMTP sender and recipient.
type Envelope struct{ From, To string }

// GatedConn is a Conn that calls Outgoing.Gate before committing the
// message to the relay.
type GatedConn interface {
	GatesDot() bool
}

// Transport opens connections that deliver messages. Each Sender worker
// opens its own Conn and reuses it across messages.
type Transport interface {
	Open(ctx context.Context) (Conn, error)
}

// Conn delivers messages one at a time. It is used by one goroutine.
type Conn interface {
	// Deliver hands one message over and returns the receiver's reply,
	// e.g. "250 2.0.0 Ok: queued as 4F2B1". A failure is an *SMTPError
	// (or wraps one) when the server answered.
	Deliver(ctx context.Context, o *Outgoing) (reply string, err error)
	// Usable reports whether the connection may carry another message.
	Usable() bool
	Close() error
}

// SMTP conversation phases, recorded in SMTPError.Phase.
const (
	PhaseDial = "dial"
	PhaseMail = "mail"
	PhaseRcpt = "rcpt"
	PhaseData = "data"
	PhaseBody = "body" // writing the message or waiting for the reply to its final dot
)

// SMTPError is a failed step of an SMTP delivery. Code is the server's
// reply code, 0 when the server gave none (a dropped connection, a timeout).
type SMTPError struct {
	Phase    string
	Code     int
	Enhanced string // "5.1.1", when the server sent one
	Message  string
	// Ambiguous is set when the connection failed after the whole message
	// was written: the server may have accepted it.
	Ambiguous bool
	// Local is set for a refusal Folio made itself, in the relay's terms
	// (an address the relay cannot take): no server said it.
	Local bool
	Err   error
}

func (e *SMTPError) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("mailer: smtp %s: %d %s", e.Phase, e.Code, e.Message)
	}
	return fmt.Sprintf("mailer: smtp %s: %v", e.Phase, e.Err)
}

func (e *SMTPError) Unwrap() error { return e.Err }

// Reply is the server's answer as an operator reads it ("550 5.1.1 no such
// user"), or the local error when there was none.
func (e *SMTPError) Reply() string {
	if e.Code != 0 {
		return fmt.Sprintf("%d %s", e.Code, e.Message)
	}
	if e.Err != nil {
		return e.Err.Error()
	}
	return "no reply"
}

var enhancedRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([245])\.(\d{1,3})\.(\d{1,3})\b`) })

// newSMTPError wraps err from phase, lifting the reply code and enhanced
// status code out of a server reply.
func newSMTPError(phase string, err error) *SMTPError {
	se := &SMTPError{Phase: phase, Err: err}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		se.Code = tp.Code
		se.Message = strings.TrimSpace(tp.Msg)
		se.Enhanced = enhancedRE().FindString(se.Message)
	}
	return se
}

// Class is what the Sender does about a failed delivery.
type Class int

// The failure classes.
const (
	// Retry: a 4xx reply, a dropped connection, a timeout — try again later.
	Retry Class = iota
	// Permanent: an explicit 5xx reply — never retried.
	Permanent
	// Pause: authentication failed or the relay refuses on policy (5.7.x):
	// every further message would fail too, so the run stops.
	Pause
)

func (c Class) String() string {
	switch c {
	case Permanent:
		return "permanent"
	case Pause:
		return "pause"
	}
	return "retry"
}

// Classify decides a failure's class. Only an explicit 5xx reply is
// permanent; everything without a reply code is retried.
func Classify(err error) Class {
	var se *SMTPError
	if !errors.As(err, &se) {
		return Retry
	}
	switch {
	case se.Code == 530 || se.Code == 534 || se.Code == 535 || se.Code == 538:
		return Pause // authentication required / failed
	case se.Code >= 500 && strings.HasPrefix(se.Enhanced, "5.7."):
		return Pause
	case se.Code >= 500 && (se.Phase == PhaseDial || se.Phase == PhaseMail):
		return Pause // the relay refused us, or our sender address: every message would fail
	case se.Code >= 500 && se.Code < 600:
		return Permanent
	}
	return Retry
}

// ReplyOf is the operator-readable reply of a failure.
func ReplyOf(err error) string {
	var se *SMTPError
	if errors.As(err, &se) {
		return se.Reply()
	}
	return err.Error()
}
