package store

import (
	"context"
	"fmt"

	"github.com/foliopress/folio/internal/delivery"
)

// Counts returns the number of rows of issueID per state.
func (s *Store) Counts(ctx context.Context, issueID string) (map[delivery.State]int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT state, COUNT(*) FROM deliveries WHERE issue_id = $1 GROUP BY state`, issueID)
	if err != nil {
		return nil, fmt.Errorf("store: counts: %w", err)
	}
	defer rows.Close()
	out := map[delivery.State]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: counts: %w", err)
		}
		out[delivery.State(st)] = n
	}
	return out, rows.Err()
}

// Failures lists failed rows of issueID with the member's address.
func (s *Store) Failures(ctx context.Context, issueID string) ([]delivery.Failure, error) {
	return s.failures(ctx, issueID, 0)
}

// failures returns issueID's failed deliveries in member order, at most
// limit of them when limit is above 0.
func (s *Store) failures(ctx context.Context, issueID string, limit int) ([]delivery.Failure, error) {
	q := `SELECT ` + deliveryColsD + `, m.email, m.name FROM deliveries d
		JOIN members m ON m.id = d.member_id
		WHERE d.issue_id = $1 AND d.state IN ('failed_temp', 'failed_perm') ORDER BY d.member_id`
	args := []any{issueID}
	if limit > 0 {
		q += ` LIMIT $2`
		args = append(args, limit)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: failures: %w", err)
	}
	defer rows.Close()
	var out []delivery.Failure
	for rows.Next() {
		var f delivery.Failure
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
func (s *Store) Deliveries(ctx context.Context, issueID string) ([]delivery.Delivery, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+deliveryCols+` FROM deliveries WHERE issue_id = $1 ORDER BY member_id`, issueID)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	defer rows.Close()
	var out []delivery.Delivery
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

func scanDelivery(row scanner, extra ...any) (delivery.Delivery, error) {
	var d delivery.Delivery
	var st string
	var first, next, upd int64
	dest := append([]any{&d.IssueID, &d.MemberID, &st, &d.MessageID, &d.Attempts, &first, &next, &d.Reply, &upd}, extra...)
	if err := row.Scan(dest...); err != nil {
		return d, err
	}
	d.State = delivery.State(st)
	d.FirstTry, d.NextAttempt, d.UpdatedAt = fromMS(first), fromMS(next), fromMS(upd)
	return d, nil
}
