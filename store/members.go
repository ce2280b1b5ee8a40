package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"
)

const (
	memberCols  = `id, email, name, tier, status, deliver_pdf`
	memberColsM = `m.id, m.email, m.name, m.tier, m.status, m.deliver_pdf`
)

// UpsertMembers adds new members and updates existing ones, matched by
// email ignoring case, all in one transaction: a failing row leaves the
// store unchanged. It is ImportMembers for a slice (rows numbered from 1),
// so a member who left stays out.
func (s *Store) UpsertMembers(ctx context.Context, members []member.Member) (added, updated int, err error) {
	rows := func(yield func(member.ImportRow, error) bool) {
		for i, m := range members {
			if !yield(member.ImportRow{Line: i + 1, Member: m, From: string(m.Status)}, nil) {
				return
			}
		}
	}
	rep, err := s.ImportMembers(ctx, rows, member.ImportOptions{File: "upsert"})
	if err != nil {
		return 0, 0, err
	}
	return rep.Added, rep.Updated, nil
}

// emailKey is the case-insensitive identity of an address.
func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// ListMembers returns every member ordered by id (for `folio members list`;
// the sender streams with EligibleMembers instead).
func (s *Store) ListMembers(ctx context.Context) ([]member.Member, error) {
	var out []member.Member
	for m, err := range s.members(ctx, `SELECT `+lifeCols+` FROM members ORDER BY id`) {
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// Member returns the member with id, or ErrNotFound.
func (s *Store) Member(ctx context.Context, id int64) (member.Member, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+lifeCols+` FROM members WHERE id = $1`, id)
	m, err := scanLife(row)
	if errors.Is(err, sql.ErrNoRows) {
		return member.Member{}, fmt.Errorf("store: member %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return member.Member{}, fmt.Errorf("store: member %d: %w", id, err)
	}
	return m, nil
}

// MemberByEmail returns the member with that address (ignoring case).
func (s *Store) MemberByEmail(ctx context.Context, email string) (member.Member, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+lifeCols+` FROM members WHERE email_key = $1`, emailKey(email))
	m, err := scanLife(row)
	if errors.Is(err, sql.ErrNoRows) {
		return member.Member{}, fmt.Errorf("store: member %q: %w", email, ErrNotFound)
	}
	if err != nil {
		return member.Member{}, fmt.Errorf("store: member by email: %w", err)
	}
	return m, nil
}

// SetStatus changes a member's status (an unsubscribe, a bounce). It takes
// effect before the next claim: the sender checks status when claiming.
func (s *Store) SetStatus(ctx context.Context, id int64, st member.Status) error {
	if !st.Valid() {
		return fmt.Errorf("store: status %q: %w", st, member.ErrUnknownStatus)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE members SET status = $1, updated_at = $2 WHERE id = $3`,
			string(st), time.Now().UnixMilli(), id)
		if err != nil {
			return fmt.Errorf("store: set status: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: member %d: %w", id, ErrNotFound)
		}
		return nil
	})
}

// EligibleMembers streams the active, unsuppressed members of the
// audience's tiers in id order, one row at a time.
func (s *Store) EligibleMembers(ctx context.Context, a delivery.Audience) iter.Seq2[member.Member, error] {
	where, args := eligibleWhere(a, 1)
	return s.members(ctx, `SELECT `+lifeCols+` FROM members m WHERE `+where+` ORDER BY id`, args...)
}

// eligibleWhere is the SQL condition for an audience over members m; its
// placeholders start at $first.
func eligibleWhere(a delivery.Audience, first int) (string, []any) {
	where := `m.status = 'active' AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.email_key = m.email_key)`
	var args []any
	if len(a.Tiers) > 0 {
		ph := make([]string, len(a.Tiers))
		for i, t := range a.Tiers {
			ph[i] = fmt.Sprintf("$%d", first+i)
			args = append(args, t)
		}
		where += ` AND m.tier IN (` + strings.Join(ph, ", ") + `)`
	}
	return where, args
}

// members runs a member query and yields its rows as they are read.
func (s *Store) members(ctx context.Context, query string, args ...any) iter.Seq2[member.Member, error] {
	return func(yield func(member.Member, error) bool) {
		rows, err := s.r.QueryContext(ctx, query, args...)
		if err != nil {
			yield(member.Member{}, fmt.Errorf("store: members: %w", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanLife(rows)
			if err != nil {
				yield(member.Member{}, fmt.Errorf("store: members: %w", err))
				return
			}
			if !yield(m, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(member.Member{}, fmt.Errorf("store: members: %w", err))
		}
	}
}

type scanner interface{ Scan(dest ...any) error }

// Suppress adds an address to the suppression list (a hard bounce, a
// complaint); suppressed addresses are never eligible again.
func (s *Store) Suppress(ctx context.Context, email, reason string, now time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO suppressions (email_key, email, reason, created_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (email_key) DO UPDATE SET reason = excluded.reason`,
			emailKey(email), email, reason, ms(now))
		if err != nil {
			return fmt.Errorf("store: suppress: %w", err)
		}
		return nil
	})
}

// Suppressed reports whether an address is on the suppression list.
func (s *Store) Suppressed(ctx context.Context, email string) (bool, string, error) {
	var reason string
	err := s.r.QueryRowContext(ctx, `SELECT reason FROM suppressions WHERE email_key = $1`, emailKey(email)).Scan(&reason)
	if errors.Is(err, sql.ErrNoRows) {
		return false, "", nil
	}
	if err != nil {
		return false, "", fmt.Errorf("store: suppressed: %w", err)
	}
	return true, reason, nil
}
