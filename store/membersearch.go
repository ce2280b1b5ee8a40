package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"
)

// SearchMembers finds members whose address or name starts with q
// (ignoring case), by address, at most limit: two index range scans, so it
// answers in milliseconds over a million members. An empty q lists the
// first members by address.
func (s *Store) SearchMembers(ctx context.Context, q string, limit int) ([]member.Member, error) {
	q = strings.ToLower(strings.TrimSpace(q))
	var where string
	var args []any
	switch {
	case q == "":
		where, args = "1 = 1", nil
	case s.eng.name() == "postgres":
		like := likePrefix(q)
		where, args = `email_key LIKE $1 OR lower(name) LIKE $1`, []any{like}
	default:
		// SQLite compares text byte by byte: a prefix is a range.
		where, args = `(email_key >= $1 AND email_key < $2) OR (lower(name) >= $1 AND lower(name) < $2)`, []any{q, q + "\U0010FFFF"}
	}
	args = append(args, limit)
	query := fmt.Sprintf(`SELECT %s FROM members WHERE %s ORDER BY email_key LIMIT $%d`, lifeCols, where, len(args))
	var out []member.Member
	for m, err := range s.members(ctx, query, args...) {
		if err != nil {
			return nil, fmt.Errorf("store: search members: %w", err)
		}
		out = append(out, m)
	}
	return out, nil
}

// likePrefix escapes q for LIKE and makes it a prefix pattern.
func likePrefix(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(q) + "%"
}

// MemberDeliveries lists a member's ledger rows across issues, newest
// issue first, at most limit.
func (s *Store) MemberDeliveries(ctx context.Context, memberID int64, limit int) ([]delivery.Delivery, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+deliveryCols+` FROM deliveries WHERE member_id = $1 ORDER BY issue_id DESC LIMIT $2`, memberID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: member deliveries: %w", err)
	}
	defer rows.Close()
	var out []delivery.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("store: member deliveries: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// CountMembers counts members by status.
func (s *Store) CountMembers(ctx context.Context) (map[member.Status]int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT status, COUNT(*) FROM members GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("store: count members: %w", err)
	}
	defer rows.Close()
	out := map[member.Status]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: count members: %w", err)
		}
		out[member.Status(st)] = n
	}
	return out, rows.Err()
}

// RetryFailed makes week's failed deliveries due again now: permanent
// failures and retries go back to pending, their give-up clock restarted.
// Suppressed members are still skipped when claimed.
func (s *Store) RetryFailed(ctx context.Context, week string, now time.Time) (int, error) {
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'pending', next_attempt = 0, first_try = 0, owner = '', updated_at = $2
			WHERE issue_id = $1 AND state IN ('failed_perm', 'failed_temp')`, week, ms(now))
		if err != nil {
			return fmt.Errorf("store: retry failed %s: %w", week, err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// CountAudience counts the members a send of issueID would still reach:
// eligible for the audience and not yet done with (sent, failed for
// good or skipped) in the issue's ledger. Before the issue's first send
// (no ledger yet, the usual case of a confirmation) it counts from the
// members' status index and the suppression list alone.
func (s *Store) CountAudience(ctx context.Context, issueID string, a delivery.Audience) (int, error) {
	var started bool
	if err := s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM deliveries WHERE issue_id = $1)`, issueID).Scan(&started); err != nil {
		return 0, fmt.Errorf("store: count audience %s: %w", issueID, err)
	}
	var n int
	if !started {
		tiers, args := tierWhere(a, 1)
		var active, suppressed int
		if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM members m WHERE m.status = 'active'`+tiers, args...).Scan(&active); err != nil {
			return 0, fmt.Errorf("store: count audience %s: %w", issueID, err)
		}
		// Driven from the suppression list, which is short beside the members.
		if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM suppressions x WHERE EXISTS (SELECT 1 FROM members m
			WHERE m.email_key = x.email_key AND m.status = 'active'`+tiers+`)`, args...).Scan(&suppressed); err != nil {
			return 0, fmt.Errorf("store: count audience %s: %w", issueID, err)
		}
		return active - suppressed, nil
	}
	where, args := eligibleWhere(a, 2)
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM members m WHERE `+where+` AND NOT EXISTS (SELECT 1 FROM deliveries d
		WHERE d.issue_id = $1 AND d.member_id = m.id AND d.state IN ('sent', 'failed_perm', 'skipped'))`, append([]any{issueID}, args...)...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count audience %s: %w", issueID, err)
	}
	return n, nil
}

// tierWhere is the audience's tier condition on members m, its
// placeholders numbered from first.
func tierWhere(a delivery.Audience, first int) (string, []any) {
	if len(a.Tiers) == 0 {
		return "", nil
	}
	ph := make([]string, len(a.Tiers))
	args := make([]any, len(a.Tiers))
	for i, t := range a.Tiers {
		ph[i], args[i] = fmt.Sprintf("$%d", first+i), t
	}
	return ` AND m.tier IN (` + strings.Join(ph, ", ") + `)`, args
}

// Holds lists the weeks whose send an editor paused.
func (s *Store) Holds(ctx context.Context) (map[string]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT week, editor FROM send_holds`)
	if err != nil {
		return nil, fmt.Errorf("store: holds: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var w, by string
		if err := rows.Scan(&w, &by); err != nil {
			return nil, fmt.Errorf("store: holds: %w", err)
		}
		out[w] = by
	}
	return out, rows.Err()
}
