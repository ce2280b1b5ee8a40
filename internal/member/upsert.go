package member

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Upsert says how an incoming member (the billing system's API call) may
// change a stored one.
type Upsert struct {
	// Resubscribe: the member opted in again after they left; Consent
	// says where and how, and is recorded.
	Resubscribe bool
	Consent     string
}

// ErrNoConsent: Resubscribe without a consent note.
var ErrNoConsent = errors.New("member: resubscribing needs the member's consent: say where and how they opted in")

// Upsert adds m, or updates the member with m's address (ignoring case),
// under the rule that unsubscribes stick (see Decide): a member who left
// is not made active again unless u.Resubscribe, and the outcome is then
// Kept, with the rest of m (name, tier, PDF preference) still saved.
func (l *Lifecycle) Upsert(ctx context.Context, m Member, u Upsert, c Change) (Outcome, error) {
	if err := m.Validate(); err != nil {
		return Outcome{}, err
	}
	u.Consent = strings.TrimSpace(u.Consent)
	if u.Resubscribe && u.Consent == "" {
		return Outcome{}, ErrNoConsent
	}
	var out Outcome
	err := l.Store.Change(ctx, c.Once, func(tx Tx) error {
		cur, ok, err := find(tx, Ref{Email: m.Email})
		if err != nil {
			return err
		}
		supp, had, err := tx.Suppression(m.Email)
		if err != nil {
			return err
		}
		d := Decide(cur.Status, supp.Reason, m.Status, u.Resubscribe)
		now := l.now()
		next := m
		next.Status = d.Status
		if ok {
			next.ID = cur.ID
			if next.Status == cur.Status {
				next.PausedUntil = cur.PausedUntil
			}
			if err := l.updateFields(tx, cur, next, now, c); err != nil {
				return err
			}
			out.Changed = next != cur
		} else {
			next.PausedUntil = time.Time{}
			if next.ID, err = tx.Insert(next); err != nil {
				return err
			}
			if err := tx.AddEvent(Event{MemberID: next.ID, At: now, What: EventAdded, To: string(next.Status), Why: c.Why, Source: c.Source}); err != nil {
				return err
			}
			out.Changed, out.Added = true, true
		}
		if d.Resubscribed {
			if had {
				if err := tx.Unsuppress(m.Email); err != nil {
					return err
				}
				if err := tx.AddEvent(Event{MemberID: next.ID, At: now, What: EventUnsuppressed, From: string(supp.Reason), Why: u.Consent, Source: c.Source}); err != nil {
					return err
				}
			}
			if err := l.consent(tx, next, u.Consent, c.Source, now); err != nil {
				return err
			}
			out.Changed = true
		}
		if d.Suppress != "" {
			if err := tx.Suppress(Suppression{Email: m.Email, Reason: d.Suppress, Detail: c.Why, Source: c.Source, At: now}); err != nil {
				return err
			}
			if err := tx.AddEvent(Event{MemberID: next.ID, At: now, What: EventSuppressed, To: string(d.Suppress), Why: c.Why, Source: c.Source}); err != nil {
				return err
			}
			out.Changed = true
		}
		out.Member, out.Kept = next, d.Kept
		switch {
		case d.Kept:
			out.Note = "kept " + keptWord(d.Status, supp.Reason)
		case d.Resubscribed:
			out.Note = "resubscribed"
		case !ok:
			out.Note = "added"
		case out.Changed:
			out.Note = "updated"
		default:
			out.Note = "unchanged"
		}
		return nil
	})
	return out, err
}

// keptWord names what a kept member stays: "unsubscribed", "bounced", or
// "suppressed (manual)" for an active member on the operator's list.
func keptWord(st Status, r Reason) string {
	if st.Left() {
		return string(st)
	}
	return "suppressed (" + string(r) + ")"
}

// KeptWord is keptWord for the import report.
func KeptWord(st Status, r Reason) string { return keptWord(st, r) }

// updateFields writes next over cur and records the status and PDF
// preference changes in the history.
func (l *Lifecycle) updateFields(tx Tx, cur, next Member, now time.Time, c Change) error {
	if next == cur {
		return nil
	}
	if next.Status != cur.Status {
		if err := tx.AddEvent(Event{MemberID: cur.ID, At: now, What: EventStatus, From: string(cur.Status), To: string(next.Status), Why: c.Why, Source: c.Source}); err != nil {
			return err
		}
	}
	if next.DeliverPDF != cur.DeliverPDF {
		if err := tx.AddEvent(Event{MemberID: cur.ID, At: now, What: EventDeliverPDF, From: cur.DeliverPDF, To: next.DeliverPDF, Why: c.Why, Source: c.Source}); err != nil {
			return err
		}
	}
	return tx.Update(next)
}

// Delete removes the member with that address, with their ledger rows,
// history and consents. A suppression of the address stays, so a member
// who left and is added again later stays out.
func (l *Lifecycle) Delete(ctx context.Context, email string, c Change) (Outcome, error) {
	var out Outcome
	err := l.Store.Change(ctx, c.Once, func(tx Tx) error {
		m, ok, err := find(tx, Ref{Email: email})
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%s: %w", email, ErrNoMember)
		}
		out = Outcome{Member: m, Changed: true, Note: "deleted"}
		return tx.Delete(m.ID)
	})
	return out, err
}
