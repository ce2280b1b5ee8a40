package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Pruned is what Prune removed.
type Pruned struct {
	Issues []string // issues whose ledger rows are gone
	Rows   int      // ledger rows deleted
	Kept   int      // archive records kept for them (received)
}

// Prune removes the ledger rows of every issue whose send is over (no
// row pending, sending or failed_temp) and whose rows last changed
// before cutoff. For each member an issue was meant for (a row not
// skipped) it first keeps one compact record, so MemberIssues — the
// member's archive — answers as before. One transaction: a failure
// removes nothing.
func (s *Store) Prune(ctx context.Context, cutoff time.Time) (Pruned, error) {
	var p Pruned
	err := s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT issue_id FROM deliveries GROUP BY issue_id
			HAVING MAX(updated_at) < $1
			AND SUM(CASE WHEN state IN ('pending', 'sending', 'failed_temp') THEN 1 ELSE 0 END) = 0
			ORDER BY issue_id`, ms(cutoff))
		if err != nil {
			return fmt.Errorf("store: prune: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				_ = rows.Close()
				return fmt.Errorf("store: prune: %w", err)
			}
			p.Issues = append(p.Issues, id)
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("store: prune: %w", err)
		}
		for _, id := range p.Issues {
			res, err := tx.ExecContext(ctx, `INSERT INTO received (member_id, issue_id)
				SELECT member_id, issue_id FROM deliveries WHERE issue_id = $1 AND state <> 'skipped'
				ON CONFLICT (member_id, issue_id) DO NOTHING`, id)
			if err != nil {
				return fmt.Errorf("store: prune %s: %w", id, err)
			}
			k, _ := res.RowsAffected()
			p.Kept += int(k)
			res, err = tx.ExecContext(ctx, `DELETE FROM deliveries WHERE issue_id = $1`, id)
			if err != nil {
				return fmt.Errorf("store: prune %s: %w", id, err)
			}
			k, _ = res.RowsAffected()
			p.Rows += int(k)
		}
		return nil
	})
	if err != nil {
		return Pruned{}, err
	}
	return p, nil
}
