package store

import (
	"context"
	"fmt"
)

// UnfinishedRuns lists the weeks whose run started and has not finished,
// oldest first, so the scheduler resumes every one of them, not only the
// latest.
func (s *Store) UnfinishedRuns(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT week FROM runs WHERE finished_at = 0 ORDER BY week`)
	if err != nil {
		return nil, fmt.Errorf("store: unfinished runs: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, fmt.Errorf("store: unfinished runs: %w", err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unfinished runs: %w", err)
	}
	return out, nil
}
