package inbound

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/mailer"
)

// Event is a bounce, complaint or unsubscribe a provider reported by
// webhook instead of by mail.
type Event struct {
	// Key makes the event act once ("sns:<MessageId>:0").
	Key  string
	Kind Kind // KindBounce, KindComplaint or KindUnsubscribe
	// Email is the recipient the event is about.
	Email string
	// MessageID is our original message's Message-ID, when the provider
	// reports it: it names the member and the issue in the ledger.
	MessageID string
	// Hard marks a permanent bounce; Status and Diagnostic say why.
	Hard               bool
	Status, Diagnostic string
	// Why is a complaint's or unsubscribe's reason in words.
	Why string
	// Source names the provider ("ses", "postmark").
	Source string
}

// Act acts on a webhook event once, as Process does for a message. A
// hard bounce counts only when the status says the address is gone (as
// for DSNs); other permanent failures are counted like soft ones.
func (p *Processor) Act(ctx context.Context, ev Event) (Result, error) {
	res, err := p.act1(ctx, ev)
	if err == nil && p.Count != nil {
		p.Count(res.Kind, res.Outcome)
	}
	return res, err
}

func (p *Processor) act1(ctx context.Context, ev Event) (Result, error) {
	res := Result{Key: ev.Key, Kind: ev.Kind}
	ref := member.Ref{Email: ev.Email}
	issueID := ""
	if ev.MessageID != "" {
		iss, id, ok, err := p.Store.LedgerMessage(ctx, ev.MessageID)
		if err != nil {
			return res, err
		}
		if ok {
			ref, issueID = member.Ref{ID: id}, iss
		}
	}
	raw, _ := json.Marshal(ev)
	if ref.ID == 0 && ref.Email == "" {
		return p.keep(ctx, res, raw, len(raw), ev.Source, "an event that names no recipient")
	}
	do := func(fn func(member.Change) (member.Outcome, error)) (Result, error) {
		return p.act(ctx, res, raw, ev.Source, fn, ref.ID, ev.Source)
	}
	switch ev.Kind {
	case KindBounce:
		why := clip(ev.Status+" "+ev.Diagnostic, 300)
		if ev.Hard && mailer.RecipientGone(ev.Status, ev.Diagnostic) {
			return do(func(c member.Change) (member.Outcome, error) {
				c.Why = why
				return p.Lifecycle.Leave(ctx, ref, member.ReasonBounce, c)
			})
		}
		return do(func(c member.Change) (member.Outcome, error) {
			c.Why = why
			return p.Lifecycle.SoftBounce(ctx, ref, issueID, c)
		})
	case KindComplaint, KindUnsubscribe:
		reason := member.ReasonComplaint
		if ev.Kind == KindUnsubscribe {
			reason = member.ReasonUnsubscribe
		}
		return do(func(c member.Change) (member.Outcome, error) {
			c.Why = ev.Why
			return p.Lifecycle.Leave(ctx, ref, reason, c)
		})
	}
	return res, fmt.Errorf("inbound: event of kind %q", ev.Kind)
}
