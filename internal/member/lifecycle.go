package member

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// DefaultSoftLimit is how many issues in a row may soft-bounce before a
// member counts as bounced.
const DefaultSoftLimit = 3

// Ref names a member by id, or by address when no id is known (a bounce
// mapped by address, a webhook).
type Ref struct {
	ID    int64
	Email string
}

func (r Ref) String() string {
	if r.ID != 0 {
		return fmt.Sprintf("member %d", r.ID)
	}
	return r.Email
}

// Outcome is what a lifecycle change did.
type Outcome struct {
	// Member is the member after the change; zero when the address
	// belongs to no member.
	Member Member
	// Changed reports whether the status, the suppression list or the
	// preference changed (false when it was already so).
	Changed bool
	// Added: a new member was created (Upsert).
	Added bool
	// Kept is set when an incoming status was refused because the member
	// had left (Upsert): "kept unsubscribed".
	Kept bool
	// Note says what happened, for an operator: "unsubscribed",
	// "already unsubscribed", "kept unsubscribed".
	Note string
}

// Lifecycle changes members' statuses and the suppression list, and
// records every change in the member's history, each in one transaction.
type Lifecycle struct {
	Store Store
	// SoftLimit is the soft bounces in a row that make a member bounced;
	// zero means DefaultSoftLimit.
	SoftLimit int
	Now       func() time.Time
}

func (l *Lifecycle) now() time.Time {
	if l.Now != nil {
		return l.Now().UTC()
	}
	return time.Now().UTC()
}

// Change says who made a change, why and under which once-key.
type Change struct {
	// Why is the reason in words; Source where it came from (see Event).
	Why, Source string
	// Once, when set, makes the change happen at most once (an inbound
	// message's key): a second call returns ErrDone and changes nothing.
	Once string
}

// find loads the member ref names; with only an address and no member,
// it returns a zero Member and ok false.
func find(tx Tx, ref Ref) (Member, bool, error) {
	var m Member
	var err error
	if ref.ID != 0 {
		m, err = tx.MemberByID(ref.ID)
	} else {
		m, err = tx.MemberByEmail(ref.Email)
	}
	if errors.Is(err, ErrNoMember) {
		return Member{}, false, nil
	}
	return m, err == nil, err
}

// Leave unsubscribes (ReasonUnsubscribe, ReasonComplaint) or bounces
// (ReasonBounce) a member, and suppresses their address. An address that
// belongs to no member is suppressed all the same; an id that belongs to
// none is ErrNoMember.
func (l *Lifecycle) Leave(ctx context.Context, ref Ref, reason Reason, c Change) (Outcome, error) {
	if reason.Status() == "" {
		return Outcome{}, fmt.Errorf("member: leave with reason %q", reason)
	}
	var out Outcome
	err := l.Store.Change(ctx, c.Once, func(tx Tx) error {
		m, ok, err := find(tx, ref)
		if err != nil {
			return err
		}
		if !ok && ref.Email == "" {
			return fmt.Errorf("%s: %w", ref, ErrNoMember)
		}
		out, err = l.leave(tx, m, ok, ref.Email, reason, c)
		return err
	})
	return out, err
}

// leave is Leave inside a transaction, for a member (ok) or a bare address.
func (l *Lifecycle) leave(tx Tx, m Member, ok bool, email string, reason Reason, c Change) (Outcome, error) {
	now := l.now()
	out := Outcome{Member: m}
	if ok {
		email = m.Email
		st := reason.Status()
		if m.Status == StatusUnsubscribed {
			st = m.Status // an unsubscribe is never turned into a bounce
		}
		if m.Status != st {
			if err := tx.AddEvent(Event{MemberID: m.ID, At: now, What: EventStatus, From: string(m.Status), To: string(st), Why: c.Why, Source: c.Source}); err != nil {
				return out, err
			}
			m.Status, m.PausedUntil = st, time.Time{}
			if err := tx.Update(m); err != nil {
				return out, err
			}
			out.Changed = true
		}
		out.Member = m
	}
	old, had, err := tx.Suppression(email)
	if err != nil {
		return out, err
	}
	if !had || reason.rank() > old.Reason.rank() {
		if err := tx.Suppress(Suppression{Email: email, Reason: reason, Detail: c.Why, Source: c.Source, At: now}); err != nil {
			return out, err
		}
		if ok {
			if err := tx.AddEvent(Event{MemberID: m.ID, At: now, What: EventSuppressed, From: string(old.Reason), To: string(reason), Why: c.Why, Source: c.Source}); err != nil {
				return out, err
			}
		}
		out.Changed = true
	}
	out.Note = string(reason.Status())
	if reason == ReasonComplaint {
		out.Note = "unsubscribed (complaint)"
	}
	if !out.Changed {
		out.Note = "already " + out.Note
	}
	return out, nil
}

// SoftBounce counts a 4.x.x bounce of the member's copy of issueID (empty:
// their latest issue). Once SoftLimit of the member's latest issues in a
// row soft-bounced, the member is bounced and suppressed.
func (l *Lifecycle) SoftBounce(ctx context.Context, ref Ref, issueID string, c Change) (Outcome, error) {
	limit := l.SoftLimit
	if limit <= 0 {
		limit = DefaultSoftLimit
	}
	var out Outcome
	err := l.Store.Change(ctx, c.Once, func(tx Tx) error {
		m, ok, err := find(tx, ref)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%s: %w", ref, ErrNoMember)
		}
		now := l.now()
		streak, err := tx.SoftBounce(m.ID, issueID, now, c.Why, limit)
		if err != nil {
			return err
		}
		if err := tx.AddEvent(Event{MemberID: m.ID, At: now, What: EventSoftBounce, To: issueID, Why: c.Why, Source: c.Source}); err != nil {
			return err
		}
		out = Outcome{Member: m, Note: fmt.Sprintf("soft bounce %d of %d in a row", streak, limit)}
		if streak < limit || m.Status.Left() {
			return nil
		}
		hard := c
		hard.Why = fmt.Sprintf("%d issues in a row soft-bounced; last: %s", streak, c.Why)
		out, err = l.leave(tx, m, true, "", ReasonBounce, hard)
		return err
	})
	return out, err
}

// Pause stops issues to an active member until until (their own choice
// on the manage page); the weekly job resumes them when it has passed.
func (l *Lifecycle) Pause(ctx context.Context, id int64, until time.Time, c Change) (Outcome, error) {
	return l.update(ctx, id, c, func(tx Tx, m *Member, now time.Time) (string, error) {
		if m.Status.Left() {
			return "", fmt.Errorf("member %d is %s: %w", id, m.Status, ErrMemberOnly)
		}
		if !until.After(now) {
			return "", errors.New("member: a pause must end in the future")
		}
		from := m.Status
		m.Status, m.PausedUntil = StatusPaused, until.UTC()
		why := c.Why
		if why == "" {
			why = "paused until " + until.UTC().Format("2006-01-02")
		}
		return "paused until " + until.UTC().Format("2 January 2006"),
			tx.AddEvent(Event{MemberID: id, At: now, What: EventStatus, From: string(from), To: string(StatusPaused), Why: why, Source: c.Source})
	})
}

// Resume makes a paused member active again.
func (l *Lifecycle) Resume(ctx context.Context, id int64, c Change) (Outcome, error) {
	return l.update(ctx, id, c, func(tx Tx, m *Member, now time.Time) (string, error) {
		if m.Status != StatusPaused {
			return "", fmt.Errorf("member %d is %s, not paused", id, m.Status)
		}
		m.Status, m.PausedUntil = StatusActive, time.Time{}
		return "active again", tx.AddEvent(Event{MemberID: id, At: now, What: EventStatus, From: string(StatusPaused), To: string(StatusActive), Why: c.Why, Source: c.Source})
	})
}

// SetDeliverPDF sets how the member gets the issue: "attach", "link",
// "epub" (the EPUB edition attached) or "" (the issue's default).
func (l *Lifecycle) SetDeliverPDF(ctx context.Context, id int64, v string, c Change) (Outcome, error) {
	if v != "" && v != DeliverAttach && v != DeliverLink && v != DeliverEPUB {
		return Outcome{}, fmt.Errorf("member: deliver_pdf %q: %w", v, ErrUnknownDeliver)
	}
	return l.update(ctx, id, c, func(tx Tx, m *Member, now time.Time) (string, error) {
		from := m.DeliverPDF
		m.DeliverPDF = v
		return "PDF preference saved", tx.AddEvent(Event{MemberID: id, At: now, What: EventDeliverPDF, From: from, To: v, Why: c.Why, Source: c.Source})
	})
}

// update loads member id, lets fn change it (and add its events), and
// writes it back.
func (l *Lifecycle) update(ctx context.Context, id int64, c Change, fn func(Tx, *Member, time.Time) (string, error)) (Outcome, error) {
	var out Outcome
	err := l.Store.Change(ctx, c.Once, func(tx Tx) error {
		m, err := tx.MemberByID(id)
		if err != nil {
			return err
		}
		before := m
		note, err := fn(tx, &m, l.now())
		if err != nil {
			return err
		}
		out = Outcome{Member: m, Note: note, Changed: m != before}
		if !out.Changed {
			return nil
		}
		return tx.Update(m)
	})
	return out, err
}

// Suppress puts an address on the suppression list on the operator's
// word (ReasonManual). An address already suppressed keeps its reason.
func (l *Lifecycle) Suppress(ctx context.Context, email, note string, c Change) (Outcome, error) {
	email, err := ValidateEmail(email)
	if err != nil {
		return Outcome{}, fmt.Errorf("member: suppress %q: %w", email, err)
	}
	var out Outcome
	err = l.Store.Change(ctx, c.Once, func(tx Tx) error {
		old, had, err := tx.Suppression(email)
		if err != nil {
			return err
		}
		m, ok, err := find(tx, Ref{Email: email})
		if err != nil {
			return err
		}
		out.Member = m
		if had {
			out.Note = "already suppressed (" + string(old.Reason) + ")"
			return nil
		}
		now := l.now()
		if err := tx.Suppress(Suppression{Email: email, Reason: ReasonManual, Detail: note, Source: c.Source, At: now}); err != nil {
			return err
		}
		out.Changed, out.Note = true, "suppressed"
		if !ok {
			return nil
		}
		return tx.AddEvent(Event{MemberID: m.ID, At: now, What: EventSuppressed, To: string(ReasonManual), Why: note, Source: c.Source})
	})
	return out, err
}

// Unsuppress lifts an address's suppression and makes its member active
// again if they were bounced or unsubscribed. An unsubscribe or a
// complaint is lifted only with the member's consent (a note saying where
// and how they opted in again), which is recorded; otherwise
// ErrMemberOnly.
func (l *Lifecycle) Unsuppress(ctx context.Context, email, consent string, c Change) (Outcome, error) {
	var out Outcome
	err := l.Store.Change(ctx, c.Once, func(tx Tx) error {
		old, had, err := tx.Suppression(email)
		if err != nil {
			return err
		}
		if !had {
			return fmt.Errorf("%s: %w", email, ErrNotSuppressed)
		}
		consent = strings.TrimSpace(consent)
		if old.Reason.MemberOnly() && consent == "" {
			return fmt.Errorf("%s (%s): %w", email, old.Reason, ErrMemberOnly)
		}
		if err := tx.Unsuppress(email); err != nil {
			return err
		}
		out.Changed, out.Note = true, "unsuppressed ("+string(old.Reason)+")"
		m, ok, err := find(tx, Ref{Email: email})
		if err != nil || !ok {
			return err
		}
		now := l.now()
		if err := tx.AddEvent(Event{MemberID: m.ID, At: now, What: EventUnsuppressed, From: string(old.Reason), Why: c.Why, Source: c.Source}); err != nil {
			return err
		}
		if consent != "" {
			if err := l.consent(tx, m, consent, c.Source, now); err != nil {
				return err
			}
		}
		if m.Status.Left() {
			if err := tx.AddEvent(Event{MemberID: m.ID, At: now, What: EventStatus, From: string(m.Status), To: string(StatusActive), Why: c.Why, Source: c.Source}); err != nil {
				return err
			}
			m.Status, m.PausedUntil = StatusActive, time.Time{}
			if err := tx.Update(m); err != nil {
				return err
			}
			out.Note += "; active again"
		}
		out.Member = m
		return nil
	})
	return out, err
}

func (l *Lifecycle) consent(tx Tx, m Member, detail, source string, now time.Time) error {
	if err := tx.AddConsent(Consent{MemberID: m.ID, Email: m.Email, At: now, Source: source, Detail: detail}); err != nil {
		return err
	}
	return tx.AddEvent(Event{MemberID: m.ID, At: now, What: EventConsent, Why: detail, Source: source})
}
