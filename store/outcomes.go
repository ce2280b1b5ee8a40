package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"
)

// Record implements delivery.Ledger: it writes the outcomes of owner's
// claimed rows in one transaction (a group commit). Rows the owner no
// longer holds are left alone; if any, the error wraps
// delivery.ErrLeaseLost after the others are committed.
func (s *Store) Record(ctx context.Context, issueID, owner string, outs []delivery.Outcome, now time.Time) error {
	b, err := s.BeginOutcomes(ctx, issueID, owner, now)
	if err != nil {
		return err
	}
	if err := b.Add(outs); err != nil {
		b.Rollback()
		return err
	}
	return b.Commit()
}

// BeginOutcomes implements delivery.Ledger: an open write transaction that
// outcomes are added to as they come, committed in one fsync. On
// PostgreSQL the outcomes are held until Commit (or a Claim) and written
// in one statement: without a claim in the batch that statement is the
// whole transaction, one round trip.
func (s *Store) BeginOutcomes(ctx context.Context, issueID, owner string, now time.Time) (delivery.OutcomeBatch, error) {
	b := &outcomeBatch{s: s, ctx: ctx, issueID: issueID, owner: owner, now: now}
	if w, ok := s.eng.(outcomeWriter); ok {
		b.w = w
		return b, nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	b.tx = tx
	return b, nil
}

// outcomeWriter is an engine that writes a batch's outcomes in one
// statement (PostgreSQL); it reports how many rows owner still held.
type outcomeWriter interface {
	writeOutcomes(ctx context.Context, q querier, issueID, owner string, now time.Time, outs []delivery.Outcome) (int, error)
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// outcomeBatch is one group commit of outcomes.
type outcomeBatch struct {
	s              *Store
	ctx            context.Context
	tx             *sql.Tx // nil until needed, with w
	w              outcomeWriter
	held           []delivery.Outcome // with w: added, not yet written
	issueID, owner string
	now            time.Time
	n, lost        int // outcomes added; of those, rows owner no longer held
}

// Add writes outcomes into the transaction (or, with w, holds them for
// one statement); they are durable once Commit returns.
func (b *outcomeBatch) Add(outs []delivery.Outcome) error {
	for _, o := range outs {
		switch o.State {
		case delivery.StatePending, delivery.StateSent, delivery.StateFailedTemp, delivery.StateFailedPerm:
		default:
			return fmt.Errorf("store: record: state %q is not an outcome", o.State)
		}
	}
	if b.w != nil {
		b.held = append(b.held, outs...)
		return nil
	}
	ctx, s, now := b.ctx, b.s, b.now
	for _, o := range outs {
		var res sql.Result
		var err error
		if o.State == delivery.StatePending {
			res, err = s.exec(ctx, b.tx, qRelease, ms(now), b.issueID, o.MemberID, b.owner)
		} else {
			res, err = s.exec(ctx, b.tx, qOutcome, string(o.State), o.Reply, ms(o.Next), ms(now), b.issueID, o.MemberID, b.owner)
		}
		if err != nil {
			return fmt.Errorf("store: record %s/%d: %w", b.issueID, o.MemberID, err)
		}
		b.n++
		if n, _ := res.RowsAffected(); n == 0 {
			b.lost++
			continue
		}
		if o.Suppress != "" {
			if _, err := s.exec(ctx, b.tx, qSuppress, emailKey(o.Suppress), o.Suppress, o.Reply, ms(now)); err != nil {
				return fmt.Errorf("store: suppress: %w", err)
			}
		}
	}
	return nil
}

// flush writes the held outcomes through q.
func (b *outcomeBatch) flush(q querier) error {
	if len(b.held) == 0 {
		return nil
	}
	done, err := b.w.writeOutcomes(b.ctx, q, b.issueID, b.owner, b.now, b.held)
	if err != nil {
		return err
	}
	b.n += len(b.held)
	b.lost += len(b.held) - done
	b.held = b.held[:0]
	return nil
}

// Claim takes up to n due rows for the batch's owner inside the batch, as
// Ledger.Claim would: they are sending once Commit returns, and a row
// whose outcome was added before is no longer due.
func (b *outcomeBatch) Claim(n int, leaseUntil time.Time, messageID func(member.Member) string) ([]delivery.Claim, error) {
	if b.tx == nil {
		tx, err := b.s.w.BeginTx(b.ctx, nil)
		if err != nil {
			return nil, fmt.Errorf("store: begin: %w", err)
		}
		b.tx = tx
	}
	if b.w != nil {
		if err := b.flush(b.tx); err != nil {
			return nil, err
		}
	}
	return b.s.claim(b.ctx, b.tx, b.issueID, b.owner, n, b.now, leaseUntil, messageID)
}

// Commit makes the added outcomes durable (SQLite synchronous FULL, or
// PostgreSQL's commit: one fsync of the WAL).
func (b *outcomeBatch) Commit() error {
	switch {
	case b.tx != nil && b.w != nil:
		if err := b.flush(b.tx); err != nil {
			_ = b.tx.Rollback()
			return err
		}
		fallthrough
	case b.tx != nil:
		if err := b.tx.Commit(); err != nil {
			return fmt.Errorf("store: commit: %w", err)
		}
	default:
		// Outcomes alone: one statement, its own transaction.
		if err := b.flush(b.s.w); err != nil {
			return err
		}
	}
	if b.lost > 0 {
		return fmt.Errorf("store: record %d of %d outcomes: %w", b.n-b.lost, b.n, delivery.ErrLeaseLost)
	}
	return nil
}

// Rollback abandons the batch.
func (b *outcomeBatch) Rollback() {
	b.held = nil
	if b.tx != nil {
		_ = b.tx.Rollback()
	}
}
