package store

import (
	"context"
	"fmt"
)

// MemberIssues lists the built issues a member may read in their archive,
// newest first: those whose ledger has a row for them that was not
// skipped, or, once the ledger was pruned, a received record. A row
// exists only when their tier was in the issue's audience, and skipped
// means they had left before it went out.
func (s *Store) MemberIssues(ctx context.Context, memberID int64) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT x.issue_id FROM (
			SELECT d.issue_id FROM deliveries d WHERE d.member_id = $1 AND d.state <> 'skipped'
			UNION SELECT r.issue_id FROM received r WHERE r.member_id = $1
		) x JOIN issues i ON i.week = x.issue_id ORDER BY x.issue_id DESC`, memberID)
	if err != nil {
		return nil, fmt.Errorf("store: member issues: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var week string
		if err := rows.Scan(&week); err != nil {
			return nil, fmt.Errorf("store: member issues: %w", err)
		}
		out = append(out, week)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: member issues: %w", err)
	}
	return out, nil
}
