package delivery

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"sync"
	"time"

	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/mailer"
)

// Sender errors.
var (
	// ErrPaused: the relay refused authentication or rejected on policy
	// (5.7.x). The rest of the run is left pending.
	ErrPaused = errors.New("delivery: run paused")
	// ErrRelayUnavailable: no connection to the relay could be opened.
	ErrRelayUnavailable = errors.New("delivery: relay unavailable")
)

// Options configures a Sender. Ledger, Transport, Composer and From are
// required; the rest have working defaults.
type Options struct {
	Ledger    Ledger
	Transport mailer.Transport
	Composer  Composer
	From      string // "Folio Weekly <issues@weekly.example.org>"
	ReplyTo   string // optional
	Audience  Audience
	// ListID is the List-Id identifier; default "newsletter.<from domain>".
	ListID string
	// UnsubscribeMailto is listed after the https URL; default
	// "mailto:<from address>?subject=unsubscribe". A Composer may give
	// each member their own (mailer.Content.UnsubscribeMailto).
	UnsubscribeMailto string
	// EnvelopeFrom, when set, is the envelope sender (MAIL FROM, and
	// Return-Path in outbox files) of issueID's message to m: a VERP
	// address that brings the member's bounces back. Default the From
	// address.
	EnvelopeFrom func(m member.Member, issueID string) string
	// Addresses are the limits a member's address must keep to be sent
	// to (RFC 5321's sizes; IP literals only when allowed). One that
	// breaks them fails at once, without a word to the relay.
	Addresses member.AddressRules

	Workers int // default 4
	// ClaimBatch is the rows a worker claims per commit; default 32. It
	// does not widen the duplicate bound (one message per worker per
	// crash): claimed rows not yet sent are only resent, never doubled.
	ClaimBatch int
	MaxPerConn int // messages per connection before it is recycled; default 100
	// PauseAfter is how many members must get the same permanent
	// refusal (or dead connection) before the run takes it for the
	// relay's and pauses, leaving them pending; default 3. See holding.
	PauseAfter int
	Rate       float64 // messages per second over all workers; 0 = unlimited
	HourlyCap  int     // messages per hour; 0 = unlimited
	// DomainRates limits messages per second to a recipient domain
	// ("gmail.com": 20), over all workers.
	DomainRates map[string]float64
	// Warmup, when set, caps each day's messages while a new sending
	// domain earns its reputation.
	Warmup Warmup
	// Budget keeps Rate, HourlyCap, DomainRates and Warmup where every
	// run and every instance shares them (package store); nil keeps them
	// in this Sender only.
	Budget Budget
	// MaxWait is the longest a message waits for its budget; when the
	// budget is spent for longer (an hourly cap), the run ends with the
	// rest pending for a later one. Default a quarter of Lease.
	MaxWait time.Duration
	Retry   []time.Duration // default DefaultRetry()
	GiveUp  time.Duration   // default DefaultGiveUp (3 days)
	// Lease is how long a `sending` row belongs to this run; after it a
	// later run resends the message (same Message-ID). Keep it above the
	// time a worker needs for ClaimBatch messages (32 × 1 s on a slow
	// relay is half a minute); a queued row whose lease ran out is dropped
	// unsent and claimed again, never sent by two runs. Default 10 minutes.
	Lease time.Duration
	DKIM  *mailer.DKIM // optional

	Now func() time.Time // default time.Now
	// OnResult, if set, hears every attempt's outcome (from several
	// goroutines, one call at a time): progress bars, logs, metrics.
	OnResult func(Result)
}

// Result is the outcome of one delivery attempt.
type Result struct {
	IssueID   string
	MemberID  int64
	State     State // sent, failed_temp, failed_perm; pending when released
	Reply     string
	Class     mailer.Class // for failures
	Duration  time.Duration
	MessageID string
}

// Summary is what one Send did and where the ledger stands after it.
type Summary struct {
	IssueID  string
	Added    int // ledger rows created by this run
	Sent     int // delivered in this run
	Retrying int // failed temporarily in this run (failed_temp)
	Failed   int // failed permanently in this run (failed_perm)
	// Counts is the whole ledger of the issue after the run.
	Counts map[State]int
	Paused bool
	Reason string // why the run paused or stopped early
}

// Skipped is the number of members skipped because they stopped being
// eligible after the ledger row was made.
func (s Summary) Skipped() int { return s.Counts[StateSkipped] }

// Remaining counts rows not yet final: pending, sending, failed_temp.
func (s Summary) Remaining() int {
	return s.Counts[StatePending] + s.Counts[StateSending] + s.Counts[StateFailedTemp]
}

func (s Summary) String() string {
	str := fmt.Sprintf("%s: %d sent, %d retrying, %d failed, %d skipped (ledger: %d sent, %d remaining, %d failed)",
		s.IssueID, s.Sent, s.Retrying, s.Failed, s.Skipped(), s.Counts[StateSent], s.Remaining(), s.Counts[StateFailedPerm])
	if s.Reason != "" {
		str += "; " + s.Reason
	}
	return str
}

// Sender delivers issues to members through the ledger.
type Sender struct {
	o      Options
	from   mail.Address
	domain string
	resMu  sync.Mutex       // serialises OnResult
	mem    memBudget        // the budget when Options has none
	enc    mailer.Encodings // attachments' base64, shared by every message
	// gatherMax bounds the committer's wait for outcomes in flight.
	gatherMax time.Duration
}

// NewSender checks the options and fills in defaults.
func NewSender(o Options) (*Sender, error) {
	if o.Ledger == nil || o.Transport == nil || o.Composer == nil {
		return nil, errors.New("delivery: sender needs a ledger, a transport and a composer")
	}
	from, err := mail.ParseAddress(o.From)
	if err != nil {
		return nil, fmt.Errorf("delivery: from %q: %w", o.From, err)
	}
	if _, err := member.ValidateEmail(from.Address); err != nil {
		return nil, fmt.Errorf("delivery: from %q: %w", o.From, err)
	}
	if o.ReplyTo != "" {
		if _, err := mail.ParseAddress(o.ReplyTo); err != nil {
			return nil, fmt.Errorf("delivery: reply-to %q: %w", o.ReplyTo, err)
		}
	}
	s := &Sender{o: o, from: *from, domain: mailer.Domain(from.Address), gatherMax: maxGather}
	if s.o.Workers <= 0 {
		s.o.Workers = 4
	}
	if s.o.ClaimBatch <= 0 {
		s.o.ClaimBatch = 32
	}
	if s.o.MaxPerConn <= 0 {
		s.o.MaxPerConn = 100
	}
	if s.o.PauseAfter <= 0 {
		s.o.PauseAfter = 3
	}
	if len(s.o.Retry) == 0 {
		s.o.Retry = DefaultRetry()
	}
	if s.o.GiveUp <= 0 {
		s.o.GiveUp = DefaultGiveUp
	}
	if s.o.Lease <= 0 {
		s.o.Lease = 10 * time.Minute
	}
	if s.o.MaxWait <= 0 {
		s.o.MaxWait = s.o.Lease / 4
	}
	if s.o.Now == nil {
		s.o.Now = time.Now
	}
	if s.o.ListID == "" {
		s.o.ListID = mailer.DefaultListID(from.Address)
	}
	if s.o.UnsubscribeMailto == "" {
		s.o.UnsubscribeMailto = "mailto:" + from.Address + "?subject=unsubscribe"
	}
	return s, nil
}

// render composes and renders issueID's message for m (DKIM-signed when
// configured). The message is written into *scratch, kept grown for the
// next message once this one is delivered (nil: a fresh buffer).
func (s *Sender) render(ctx context.Context, issueID string, m member.Member, messageID string, scratch *[]byte) (*mailer.Outgoing, error) {
	var buf []byte
	if scratch != nil {
		buf = *scratch
	}
	c, err := s.o.Composer.Compose(ctx, m)
	if err != nil {
		return nil, fmt.Errorf("delivery: compose for member %d: %w", m.ID, err)
	}
	if need := textSize(c)*11/10 + 4096 + contentSize(c)*4/3; cap(buf) < need {
		// Quoted-printable grows text a little, base64 by a third: sized
		// up front, a 20 KB message is never copied while it grows.
		buf = make([]byte, 0, need+need/8)
	}
	data, err := mailer.AppendMessage(buf[:0], s.spec(issueID, m, messageID), c, &s.enc)
	if err != nil {
		return nil, fmt.Errorf("delivery: build for member %d: %w", m.ID, err)
	}
	if scratch != nil {
		*scratch = data[:0]
	}
	if s.o.DKIM != nil {
		if data, err = s.o.DKIM.Sign(data); err != nil {
			return nil, err
		}
	}
	return &mailer.Outgoing{IssueID: issueID, MemberID: m.ID, MessageID: messageID,
		From: s.envelopeFrom(m, issueID), To: m.Email, Data: data}, nil
}

// envelopeFrom is the envelope sender of issueID's message to m.
func (s *Sender) envelopeFrom(m member.Member, issueID string) string {
	if s.o.EnvelopeFrom == nil {
		return s.from.Address
	}
	return s.o.EnvelopeFrom(m, issueID)
}

// spec is the header set of issueID's message to m.
func (s *Sender) spec(issueID string, m member.Member, messageID string) mailer.MessageSpec {
	sp := mailer.MessageSpec{
		From:              s.from,
		To:                mail.Address{Name: m.Name, Address: m.Email},
		Date:              s.o.Now(),
		MessageID:         messageID,
		ListID:            s.o.ListID,
		FeedbackID:        mailer.FeedbackID(issueID, m.Tier, s.domain),
		UnsubscribeMailto: s.o.UnsubscribeMailto,
	}
	if s.o.ReplyTo != "" {
		rt, _ := mail.ParseAddress(s.o.ReplyTo) // checked in NewSender
		sp.ReplyTo = rt
	}
	return sp
}

// textSize is the byte size of c's HTML and text, whole or in pieces.
func textSize(c *mailer.Content) int {
	n := len(c.HTML) + len(c.Text)
	for _, p := range c.HTMLParts {
		n += len(p)
	}
	for _, p := range c.TextParts {
		n += len(p)
	}
	return n
}

// contentSize is the byte size of c's inline images and attachments.
func contentSize(c *mailer.Content) int {
	n := 0
	for _, a := range c.Inline {
		n += len(a.Data)
	}
	for _, a := range c.Attachments {
		n += len(a.Data)
	}
	return n
}

func (s *Sender) messageID(issueID string) func(member.Member) string {
	return func(m member.Member) string { return mailer.MessageID(issueID, m.ID, s.domain) }
}

// SendTest sends one copy of issueID to addr as a synthetic member (id 0,
// no tier) and touches no ledger. It returns the relay's reply.
func (s *Sender) SendTest(ctx context.Context, issueID, addr string) (string, error) {
	email, err := member.ValidateEmail(addr)
	if err != nil {
		return "", fmt.Errorf("delivery: test address %q: %w", addr, err)
	}
	m := member.Member{Email: email, Status: member.StatusActive}
	id := mailer.TestMessageID(issueID, s.o.Now().UnixNano(), s.domain)
	out, err := s.render(ctx, issueID, m, id, nil)
	if err != nil {
		return "", err
	}
	conn, err := s.o.Transport.Open(ctx)
	if err != nil {
		return "", fmt.Errorf("delivery: test send: %w", err)
	}
	defer conn.Close()
	reply, err := conn.Deliver(ctx, out)
	if err != nil {
		return "", fmt.Errorf("delivery: test send: %w", err)
	}
	return reply, nil
}

// DryRun writes every eligible member's message for issueID as .eml files
// into dir and touches no ledger. Members are streamed, one at a time.
func (s *Sender) DryRun(ctx context.Context, issueID, dir string) (int, error) {
	conn, err := mailer.NewOutbox(dir).Open(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	n := 0
	for m, err := range s.o.Ledger.EligibleMembers(ctx, s.o.Audience) {
		if err != nil {
			return n, err
		}
		out, err := s.render(ctx, issueID, m, mailer.MessageID(issueID, m.ID, s.domain), nil)
		if err != nil {
			return n, err
		}
		if _, err := conn.Deliver(ctx, out); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Report is the ledger of one issue for an operator.
type Report struct {
	IssueID  string
	Counts   map[State]int
	Failures []Failure
}

// Status reads issueID's ledger counts and failed members with replies.
func (s *Sender) Status(ctx context.Context, issueID string) (Report, error) {
	counts, err := s.o.Ledger.Counts(ctx, issueID)
	if err != nil {
		return Report{}, err
	}
	fails, err := s.o.Ledger.Failures(ctx, issueID)
	if err != nil {
		return Report{}, err
	}
	return Report{IssueID: issueID, Counts: counts, Failures: fails}, nil
}
