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
// outcomes are added to as they come, committed in one fsync.
func (s *Store) BeginOutcomes(ctx context.Context, issueID, owner string, now time.Time) (delivery.OutcomeBatch, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	return &outcomeBatch{s: s, ctx: ctx, tx: tx, issueID: issueID, owner: owner, now: now}, nil
}

// outcomeBatch is one group commit of outcomes.
type outcomeBatch struct {
	s              *Store
	ctx            context.Context
	tx             *sql.Tx
	issueID, owner string
	now            time.Time
	n, lost        int // outcomes added; of those, rows owner no longer held
}

// Add writes outcomes into the transaction; they are durable once Commit
// returns.
func (b *outcomeBatch) Add(outs []delivery.Outcome) error {
	ctx, s, now := b.ctx, b.s, b.now
	for _, o := range outs {
		var res sql.Result
		var err error
		switch o.State {
		case delivery.StatePending:
			res, err = s.exec(ctx, b.tx, qRelease, ms(now), b.issueID, o.MemberID, b.owner)
		case delivery.StateSent, delivery.StateFailedTemp, delivery.StateFailedPerm:
			res, err = s.exec(ctx, b.tx, qOutcome, string(o.State), o.Reply, ms(o.Next), ms(now), b.issueID, o.MemberID, b.owner)
		default:
			return fmt.Errorf("store: record: state %q is not an outcome", o.State)
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

// Claim takes up to n due rows for the batch's owner inside the batch, as
// Ledger.Claim would: they are sending once Commit returns, and a row
// whose outcome was added before is no longer due.
func (b *outcomeBatch) Claim(n int, leaseUntil time.Time, messageID func(member.Member) string) ([]delivery.Claim, error) {
	return b.s.claim(b.ctx, b.tx, b.issueID, b.owner, n, b.now, leaseUntil, messageID)
}

// Commit makes the added outcomes durable (synchronous FULL: one fsync of
// the WAL).
func (b *outcomeBatch) Commit() error {
	if err := b.tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	if b.lost > 0 {
		return fmt.Errorf("store: record %d of %d outcomes: %w", b.n-b.lost, b.n, delivery.ErrLeaseLost)
	}
	return nil
}

// Rollback abandons the batch.
func (b *outcomeBatch) Rollback() { _ = b.tx.Rollback() }
