package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"folio.example/folio/mailer"
)

var _ mailer.Ledger = (*Store)(nil)

// EnsureDeliveries adds a pending row for each eligible member without a
// row for issueID. It is one INSERT … SELECT: members never pass through
// Go, and running it twice adds nothing.
func (s *Store) EnsureDeliveries(ctx context.Context, issueID string, a mailer.Audience, now time.Time) (int, error) {
	where, args := eligibleWhere(a, 3)
	q := `INSERT INTO deliveries (issue_id, member_id, state, created_at, updated_at)
		SELECT $1, m.id, 'pending', $2, $2 FROM members m WHERE ` + where + `
		ON CONFLICT (issue_id, member_id) DO NOTHING`
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, append([]any{issueID, ms(now)}, args...)...)
		if err != nil {
			return fmt.Errorf("store: ensure deliveries: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// claimFrom joins a due row to its member and the suppression list, so a
// claim costs one query and one update.
const claimFrom = `SELECT d.member_id, d.message_id, d.attempts, d.first_try, ` + memberColsM + `,
	EXISTS (SELECT 1 FROM suppressions x WHERE x.email_key = m.email_key)
	FROM deliveries d JOIN members m ON m.id = d.member_id WHERE d.issue_id = $1 AND `

// claimQueries find the next due row: pending rows first (the common
// case, one indexed lookup), then due retries, then expired leases. Every
// Send drains all three, so the order only affects latency.
var claimQueries = [...]string{
	claimFrom + `d.state = 'pending' AND $2 = $2 ORDER BY d.member_id LIMIT 1`,
	claimFrom + `d.state = 'failed_temp' AND d.next_attempt <= $2 ORDER BY d.next_attempt LIMIT 1`,
	claimFrom + `d.state = 'sending' AND d.next_attempt <= $2 ORDER BY d.next_attempt LIMIT 1`,
}

// ClaimNext implements mailer.Ledger: in one IMMEDIATE transaction it
// picks the next due row, skips it if the member left (unsubscribed,
// paused, suppressed) and moves it to sending with a lease until
// leaseUntil.
func (s *Store) ClaimNext(ctx context.Context, issueID string, now, leaseUntil time.Time, messageID func(mailer.Member) string) (*mailer.Claim, error) {
	var claim *mailer.Claim
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for {
			c, suppressed, ok, err := nextDue(ctx, tx, issueID, now)
			if err != nil || !ok {
				return err
			}
			id := c.MemberID
			if c.Member.Status != mailer.StatusActive || suppressed {
				why := "member " + string(c.Member.Status)
				if suppressed {
					why = "address suppressed"
				}
				if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'skipped', reply = $1, updated_at = $2
					WHERE issue_id = $3 AND member_id = $4`, why, ms(now), issueID, id); err != nil {
					return fmt.Errorf("store: skip: %w", err)
				}
				continue
			}
			if c.MessageID == "" {
				c.MessageID = messageID(c.Member)
			}
			if c.FirstTry.IsZero() {
				c.FirstTry = now
			}
			c.IssueID = issueID
			c.Attempts++
			c.State = mailer.StateSending
			c.NextAttempt = leaseUntil
			c.UpdatedAt = now
			if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'sending', message_id = $1, attempts = $2,
				first_try = $3, next_attempt = $4, updated_at = $5 WHERE issue_id = $6 AND member_id = $7`,
				c.MessageID, c.Attempts, ms(c.FirstTry), ms(leaseUntil), ms(now), issueID, id); err != nil {
				return fmt.Errorf("store: claim: %w", err)
			}
			claim = c
			return nil
		}
	})
	return claim, err
}

func nextDue(ctx context.Context, tx *sql.Tx, issueID string, now time.Time) (*mailer.Claim, bool, bool, error) {
	for _, q := range claimQueries {
		c := &mailer.Claim{}
		var first int64
		var status string
		var suppressed bool
		err := tx.QueryRowContext(ctx, q, issueID, ms(now)).Scan(&c.MemberID, &c.MessageID, &c.Attempts, &first,
			&c.Member.ID, &c.Member.Email, &c.Member.Name, &c.Member.Tier, &status, &c.Member.DeliverPDF, &suppressed)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, false, false, fmt.Errorf("store: next due: %w", err)
		}
		c.Member.Status = mailer.Status(status)
		c.FirstTry = fromMS(first)
		return c, suppressed, true, nil
	}
	return nil, false, false, nil
}

// MarkSent records the relay's acceptance of a claimed row.
func (s *Store) MarkSent(ctx context.Context, issueID string, memberID int64, reply string, now time.Time) error {
	return s.setState(ctx, issueID, memberID, mailer.StateSent, reply, time.Time{}, now)
}

// MarkFailed records a failed attempt of a claimed row.
func (s *Store) MarkFailed(ctx context.Context, issueID string, memberID int64, st mailer.State, reply string, next, now time.Time) error {
	if st != mailer.StateFailedTemp && st != mailer.StateFailedPerm {
		return fmt.Errorf("store: mark failed: state %q is not a failure", st)
	}
	return s.setState(ctx, issueID, memberID, st, reply, next, now)
}

// Release returns a claimed row to pending and uncounts the attempt.
func (s *Store) Release(ctx context.Context, issueID string, memberID int64, now time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'pending', next_attempt = 0,
			attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, updated_at = $1
			WHERE issue_id = $2 AND member_id = $3 AND state = 'sending'`, ms(now), issueID, memberID)
		if err != nil {
			return fmt.Errorf("store: release: %w", err)
		}
		return nil
	})
}

// setState moves a row that is sending to a final or retry state. A row
// no longer sending (another run took it over) is an error, so a stale
// worker never overwrites a newer outcome.
func (s *Store) setState(ctx context.Context, issueID string, memberID int64, st mailer.State, reply string, next, now time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = $1, reply = $2, next_attempt = $3, updated_at = $4
			WHERE issue_id = $5 AND member_id = $6 AND state = 'sending'`,
			string(st), reply, ms(next), ms(now), issueID, memberID)
		if err != nil {
			return fmt.Errorf("store: mark %s: %w", st, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: mark %s: delivery %s/%d is not sending: %w", st, issueID, memberID, ErrNotFound)
		}
		return nil
	})
}

// Counts returns the number of rows of issueID per state.
func (s *Store) Counts(ctx context.Context, issueID string) (map[mailer.State]int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT state, COUNT(*) FROM deliveries WHERE issue_id = $1 GROUP BY state`, issueID)
	if err != nil {
		return nil, fmt.Errorf("store: counts: %w", err)
	}
	defer rows.Close()
	out := map[mailer.State]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: counts: %w", err)
		}
		out[mailer.State(st)] = n
	}
	return out, rows.Err()
}

// Failures lists failed rows of issueID with the member's address.
func (s *Store) Failures(ctx context.Context, issueID string) ([]mailer.Failure, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+deliveryColsD+`, m.email, m.name FROM deliveries d
		JOIN members m ON m.id = d.member_id
		WHERE d.issue_id = $1 AND d.state IN ('failed_temp', 'failed_perm') ORDER BY d.member_id`, issueID)
	if err != nil {
		return nil, fmt.Errorf("store: failures: %w", err)
	}
	defer rows.Close()
	var out []mailer.Failure
	for rows.Next() {
		var f mailer.Failure
		d, err := scanDelivery(rows, &f.Email, &f.Name)
		if err != nil {
			return nil, fmt.Errorf("store: failures: %w", err)
		}
		f.Delivery = d
		out = append(out, f)
	}
	return out, rows.Err()
}

// Deliveries returns every row of issueID in member order (tests, reports).
func (s *Store) Deliveries(ctx context.Context, issueID string) ([]mailer.Delivery, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+deliveryCols+` FROM deliveries WHERE issue_id = $1 ORDER BY member_id`, issueID)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	defer rows.Close()
	var out []mailer.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("store: deliveries: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

const (
	deliveryCols  = `issue_id, member_id, state, message_id, attempts, first_try, next_attempt, reply, updated_at`
	deliveryColsD = `d.issue_id, d.member_id, d.state, d.message_id, d.attempts, d.first_try, d.next_attempt, d.reply, d.updated_at`
)

func scanDelivery(row scanner, extra ...any) (mailer.Delivery, error) {
	var d mailer.Delivery
	var st string
	var first, next, upd int64
	dest := append([]any{&d.IssueID, &d.MemberID, &st, &d.MessageID, &d.Attempts, &first, &next, &d.Reply, &upd}, extra...)
	if err := row.Scan(dest...); err != nil {
		return d, err
	}
	d.State = mailer.State(st)
	d.FirstTry, d.NextAttempt, d.UpdatedAt = fromMS(first), fromMS(next), fromMS(upd)
	return d, nil
}

// SentIssues lists the issues delivered to a member, newest first (the
// member's archive: only what their tier received).
func (s *Store) SentIssues(ctx context.Context, memberID int64) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT issue_id FROM deliveries WHERE member_id = $1 AND state = 'sent'
		ORDER BY issue_id DESC`, memberID)
	if err != nil {
		return nil, fmt.Errorf("store: sent issues: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: sent issues: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
