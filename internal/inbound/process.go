package inbound

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/foliopress/folio/internal/links"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/mailer"
)

// KindMalformed counts messages that could not be read at all.
const KindMalformed Kind = "malformed"

// Outcomes of processing one message.
const (
	// OutcomeActed: the member's status, suppression or soft-bounce
	// count was changed (or already said so).
	OutcomeActed = "acted"
	// OutcomeIgnored: understood, and nothing to do (a success notice).
	OutcomeIgnored = "ignored"
	// OutcomeKept: not understood, or about nobody we know: kept aside
	// for the operator.
	OutcomeKept = "kept"
	// OutcomeDuplicate: this message was processed before.
	OutcomeDuplicate = "duplicate"
)

// Store is what the processor keeps besides members.
type Store interface {
	member.Store
	// LedgerMessage finds the ledger row a Message-ID of ours belongs to.
	LedgerMessage(ctx context.Context, messageID string) (issueID string, memberID int64, ok bool, err error)
	// Keep stores a message kept aside, at most once per key: a key kept
	// (or acted on) before is member.ErrDone.
	Keep(ctx context.Context, k Kept) error
}

// Kept is a message kept aside for the operator.
type Kept struct {
	Key    string
	At     time.Time
	Source string // "listener", "file inbox/12.eml", "ses"
	Kind   Kind
	Reason string
	Size   int    // the message's whole size
	Raw    []byte // its first KeepMax bytes
}

// Result is what became of one message.
type Result struct {
	Key      string
	Kind     Kind
	Outcome  string
	MemberID int64
	// Note says what happened in words: "bounced (5.1.1 …)", "kept:
	// a DSN for a message we did not send (<x@y>)".
	Note string
}

// Processor acts on inbound messages through the members' lifecycle.
type Processor struct {
	Links     *links.Links
	Lifecycle *member.Lifecycle
	Store     Store
	// KeepMax caps the bytes of a kept message that are stored; default
	// 256 KiB.
	KeepMax int
	Now     func() time.Time
	// Count, if set, hears every result (metrics); the listener calls it
	// from several goroutines at once.
	Count func(kind Kind, outcome string)
}

func (p *Processor) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Process reads one raw message and acts on it. source says where it came
// from, for the history and the kept messages. The error is only for a
// store that failed: the message was not handled and may be offered
// again.
func (p *Processor) Process(ctx context.Context, raw []byte, env Envelope, source string) (Result, error) {
	res, err := p.process(ctx, raw, env, source)
	if err != nil {
		return res, err
	}
	if p.Count != nil {
		p.Count(res.Kind, res.Outcome)
	}
	return res, nil
}

// TooBig handles a message over the size limit: it is kept aside (its
// first KeepMax bytes), never read.
func (p *Processor) TooBig(ctx context.Context, head []byte, size int, source string) (Result, error) {
	sum := sha256.Sum256(head)
	res := Result{Key: "big:" + hex.EncodeToString(sum[:16]) + fmt.Sprintf(":%d", size), Kind: KindMalformed}
	res, err := p.keep(ctx, res, head, size, source, fmt.Sprintf("too big: %d bytes", size))
	if err == nil && p.Count != nil {
		p.Count(res.Kind, res.Outcome)
	}
	return res, err
}

func (p *Processor) process(ctx context.Context, raw []byte, env Envelope, source string) (Result, error) {
	r, err := Parse(raw, env)
	if err != nil {
		sum := sha256.Sum256(raw)
		res := Result{Key: "sha:" + hex.EncodeToString(sum[:16]), Kind: KindMalformed}
		return p.keep(ctx, res, raw, len(raw), source, err.Error())
	}
	res := Result{Key: r.Key, Kind: r.Kind}
	ours := p.ourAddresses(r.Recipients)
	if ours.unsubscribe != nil && r.Kind == KindOther {
		res.Kind = KindUnsubscribe
		return p.act(ctx, res, raw, source, func(c member.Change) (member.Outcome, error) {
			c.Why = "mailed to the unsubscribe address"
			if r.Subject != "" {
				c.Why += ": " + clip(r.Subject, 80)
			}
			return p.Lifecycle.Leave(ctx, member.Ref{ID: ours.unsubscribe.MemberID}, member.ReasonUnsubscribe, c)
		}, ours.unsubscribe.MemberID, "mailto")
	}
	switch r.Kind {
	case KindBounce:
		return p.bounce(ctx, r, res, raw, source, ours)
	case KindComplaint:
		return p.complaint(ctx, r, res, raw, source)
	}
	why := r.Why
	if ours.forged {
		why = "sent to a forged or altered address token"
	}
	return p.keep(ctx, res, raw, len(raw), source, why)
}

// addrs are the addresses of ours a message was delivered to.
type addrs struct {
	verp, unsubscribe *links.Address
	forged            bool
}

func (p *Processor) ourAddresses(rcpts []string) addrs {
	var a addrs
	for _, rc := range rcpts {
		got, err := p.Links.ParseAddress(rc)
		switch {
		case errors.Is(err, links.ErrBadAddress):
			a.forged = true
		case err != nil:
		case got.Kind == links.AddrBounce && a.verp == nil:
			a.verp = &got
		case got.Kind == links.AddrUnsubscribe && a.unsubscribe == nil:
			a.unsubscribe = &got
		}
	}
	return a
}

// place finds the member and issue a report is about: a verified VERP
// address first, then the original Message-ID in the ledger.
func (p *Processor) place(ctx context.Context, verp *links.Address, senders []string, messageID string) (int64, string, error) {
	if verp != nil {
		return verp.MemberID, verp.IssueID, nil
	}
	for _, s := range senders {
		if a, err := p.Links.ParseAddress(s); err == nil && a.Kind == links.AddrBounce {
			return a.MemberID, a.IssueID, nil
		}
	}
	if messageID != "" {
		issueID, id, ok, err := p.Store.LedgerMessage(ctx, messageID)
		if err != nil || ok {
			return id, issueID, err
		}
	}
	return 0, "", nil
}

func (p *Processor) bounce(ctx context.Context, r *Report, res Result, raw []byte, source string, ours addrs) (Result, error) {
	id, issueID, err := p.place(ctx, ours.verp, r.Original.Senders, r.Original.MessageID)
	if err != nil {
		return res, err
	}
	if id == 0 {
		why := "a bounce for a message we cannot place"
		switch {
		case ours.forged:
			why = "a bounce to a forged or altered VERP address"
		case r.Original.MessageID != "":
			why = "a bounce for a message we did not send (<" + clip(r.Original.MessageID, 120) + ">)"
		}
		return p.keep(ctx, res, raw, len(raw), source, why)
	}
	var hard, soft *Failure
	for i := range r.Failures {
		f := &r.Failures[i]
		switch {
		case f.Hard() && mailer.RecipientGone(f.Status, f.Diagnostic) && hard == nil:
			hard = f
		case (f.Hard() || f.Soft()) && soft == nil:
			soft = f
		}
	}
	src := "dsn"
	switch {
	case hard != nil:
		return p.act(ctx, res, raw, source, func(c member.Change) (member.Outcome, error) {
			c.Why = failureWhy(hard)
			return p.Lifecycle.Leave(ctx, member.Ref{ID: id}, member.ReasonBounce, c)
		}, id, src)
	case soft != nil:
		return p.act(ctx, res, raw, source, func(c member.Change) (member.Outcome, error) {
			c.Why = failureWhy(soft)
			return p.Lifecycle.SoftBounce(ctx, member.Ref{ID: id}, issueID, c)
		}, id, src)
	}
	res.MemberID, res.Outcome, res.Note = id, OutcomeIgnored, "a notice of "+r.Failures[0].Action+" delivery"
	err = p.Store.Change(ctx, res.Key, func(member.Tx) error { return nil })
	if errors.Is(err, member.ErrDone) {
		res.Outcome, res.Note = OutcomeDuplicate, "processed before"
		return res, nil
	}
	return res, err
}

func failureWhy(f *Failure) string {
	why := f.Status
	if f.Diagnostic != "" {
		why += " " + f.Diagnostic
	}
	return clip(why, 300)
}

func (p *Processor) complaint(ctx context.Context, r *Report, res Result, raw []byte, source string) (Result, error) {
	id, _, err := p.place(ctx, nil, r.Original.Senders, "")
	if err != nil {
		return res, err
	}
	if id == 0 {
		id = p.tokenMember(r.Original.Unsubscribe)
	}
	if id == 0 && r.Original.MessageID != "" {
		if _, mid, ok, err := p.Store.LedgerMessage(ctx, r.Original.MessageID); err != nil {
			return res, err
		} else if ok {
			id = mid
		}
	}
	if id == 0 {
		return p.keep(ctx, res, raw, len(raw), source, "a complaint about a message we cannot place")
	}
	return p.act(ctx, res, raw, source, func(c member.Change) (member.Outcome, error) {
		c.Why = "complaint (" + r.FeedbackType + ")"
		if r.From != "" {
			c.Why += " from " + clip(r.From, 80)
		}
		return p.Lifecycle.Leave(ctx, member.Ref{ID: id}, member.ReasonComplaint, c)
	}, id, "arf")
}

// tokenMember finds the member a List-Unsubscribe URI's token names.
func (p *Processor) tokenMember(uris []string) int64 {
	for _, u := range uris {
		if rest, ok := strings.CutPrefix(u, "mailto:"); ok {
			addr, _, _ := strings.Cut(rest, "?")
			if a, err := p.Links.ParseAddress(addr); err == nil && a.Kind == links.AddrUnsubscribe {
				return a.MemberID
			}
			continue
		}
		if i := strings.LastIndex(u, "/u/"); i >= 0 {
			if id, err := p.Links.Verify(links.PurposeUnsubscribe, strings.TrimRight(u[i+3:], "/")); err == nil {
				return id
			}
		}
	}
	return 0
}

// act runs one lifecycle change under the message's key.
func (p *Processor) act(ctx context.Context, res Result, raw []byte, source string, change func(member.Change) (member.Outcome, error), id int64, kind string) (Result, error) {
	res.MemberID = id
	out, err := change(member.Change{Source: kind + " " + clip(source, 120), Once: res.Key})
	switch {
	case errors.Is(err, member.ErrDone):
		res.Outcome, res.Note = OutcomeDuplicate, "processed before"
		return res, nil
	case errors.Is(err, member.ErrNoMember):
		return p.keep(ctx, res, raw, len(raw), source, fmt.Sprintf("member %d no longer exists", id))
	case err != nil:
		return res, err
	}
	res.Outcome, res.Note = OutcomeActed, out.Note
	if out.Member.ID != 0 {
		res.MemberID = out.Member.ID
	}
	return res, nil
}

// keep stores the message aside under its key.
func (p *Processor) keep(ctx context.Context, res Result, raw []byte, size int, source, why string) (Result, error) {
	max := p.KeepMax
	if max <= 0 {
		max = 256 << 10
	}
	if len(raw) > max {
		raw = raw[:max]
	}
	err := p.Store.Keep(ctx, Kept{Key: res.Key, At: p.now(), Source: source, Kind: res.Kind, Reason: why, Size: size, Raw: raw})
	if errors.Is(err, member.ErrDone) {
		res.Outcome, res.Note = OutcomeDuplicate, "processed before"
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.Outcome, res.Note = OutcomeKept, why
	return res, nil
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n]
	}
	return s
}
