package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/foliopress/folio/internal/member"
)

const suppressionCols = `email, kind, reason, source, created_at`

func scanSuppression(row scanner) (member.Suppression, error) {
	var s member.Suppression
	var kind string
	var at int64
	err := row.Scan(&s.Email, &kind, &s.Detail, &s.Source, &at)
	s.Reason, s.At = member.Reason(kind), fromMS(at)
	return s, err
}

// Suppressions streams the suppression list, oldest first.
func (s *Store) Suppressions(ctx context.Context) iter.Seq2[member.Suppression, error] {
	return func(yield func(member.Suppression, error) bool) {
		rows, err := s.r.QueryContext(ctx, `SELECT `+suppressionCols+` FROM suppressions ORDER BY created_at, email_key`)
		if err != nil {
			yield(member.Suppression{}, fmt.Errorf("store: suppressions: %w", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			sp, err := scanSuppression(rows)
			if err != nil {
				yield(member.Suppression{}, fmt.Errorf("store: suppressions: %w", err))
				return
			}
			if !yield(sp, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(member.Suppression{}, fmt.Errorf("store: suppressions: %w", err))
		}
	}
}

// Export streams every member with their suppression, in id order, then
// the suppressed addresses that belong to no member (Record.Member.ID 0).
func (s *Store) Export(ctx context.Context) iter.Seq2[member.Record, error] {
	return func(yield func(member.Record, error) bool) {
		queries := []string{
			`SELECT m.id, m.email, m.name, m.tier, m.status, m.deliver_pdf, m.paused_until,
				COALESCE(x.kind, ''), COALESCE(x.reason, ''), COALESCE(x.source, ''), COALESCE(x.created_at, 0)
				FROM members m LEFT JOIN suppressions x ON x.email_key = m.email_key ORDER BY m.id`,
			`SELECT 0, x.email, '', '', '', '', 0, x.kind, x.reason, x.source, x.created_at
				FROM suppressions x WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.email_key = x.email_key)
				ORDER BY x.created_at, x.email_key`,
		}
		for _, q := range queries {
			if !s.exportQuery(ctx, q, yield) {
				return
			}
		}
	}
}

func (s *Store) exportQuery(ctx context.Context, q string, yield func(member.Record, error) bool) bool {
	rows, err := s.r.QueryContext(ctx, q)
	if err != nil {
		yield(member.Record{}, fmt.Errorf("store: export: %w", err))
		return false
	}
	defer rows.Close()
	for rows.Next() {
		var r member.Record
		var status, kind string
		var paused, at int64
		m, sp := &r.Member, &r.Suppression
		if err := rows.Scan(&m.ID, &m.Email, &m.Name, &m.Tier, &status, &m.DeliverPDF, &paused,
			&kind, &sp.Detail, &sp.Source, &at); err != nil {
			yield(member.Record{}, fmt.Errorf("store: export: %w", err))
			return false
		}
		m.Status, m.PausedUntil = member.Status(status), fromMS(paused)
		if kind != "" {
			sp.Email, sp.Reason, sp.At = m.Email, member.Reason(kind), fromMS(at)
		}
		if !yield(r, nil) {
			return false
		}
	}
	if err := rows.Err(); err != nil {
		yield(member.Record{}, fmt.Errorf("store: export: %w", err))
		return false
	}
	return true
}

// ResumePaused makes active again every member whose own pause ended at
// or before now, recording it in their history; it returns how many.
func (s *Store) ResumePaused(ctx context.Context, now time.Time) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE members SET status = 'active', paused_until = 0, updated_at = $1
			WHERE status = 'paused' AND paused_until > 0 AND paused_until <= $1 RETURNING id`, ms(now))
		if err != nil {
			return fmt.Errorf("store: resume paused: %w", err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return errors.Join(fmt.Errorf("store: resume paused: %w", err), rows.Close())
			}
			ids = append(ids, id)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("store: resume paused: %w", err)
		}
		lt := &lifeTx{ctx: ctx, tx: tx}
		for _, id := range ids {
			if err := lt.AddEvent(member.Event{MemberID: id, At: now, What: member.EventStatus, From: string(member.StatusPaused),
				To: string(member.StatusActive), Why: "pause ended", Source: "schedule"}); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}

// SuppressionOf returns the address's suppression, if any.
func (s *Store) SuppressionOf(ctx context.Context, email string) (member.Suppression, bool, error) {
	sp, err := scanSuppression(s.r.QueryRowContext(ctx, `SELECT `+suppressionCols+` FROM suppressions WHERE email_key = $1`, emailKey(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return member.Suppression{}, false, nil
	}
	if err != nil {
		return member.Suppression{}, false, fmt.Errorf("store: suppression: %w", err)
	}
	return sp, true, nil
}

// MembersAfter lists up to limit members with ids above after, in id
// order (a page of the members API); status, when set, filters.
func (s *Store) MembersAfter(ctx context.Context, after int64, limit int, status member.Status) ([]member.Member, error) {
	q := `SELECT ` + lifeCols + ` FROM members WHERE id > $1 AND ($2 = '' OR status = $2) ORDER BY id LIMIT $3`
	var out []member.Member
	for m, err := range s.members(ctx, q, after, string(status), limit) {
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
