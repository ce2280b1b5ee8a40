package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// NoteIssue records that week's issue exists, built at at, unless it is
// recorded already: a send of an issue built elsewhere (`folio build`,
// another instance) still puts it in members' archives.
func (s *Store) NoteIssue(ctx context.Context, week string, at time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO issues (week, built_at, pdf_path) VALUES ($1, $2, '') ON CONFLICT (week) DO NOTHING`, week, ms(at))
		if err != nil {
			return fmt.Errorf("store: note issue %s: %w", week, err)
		}
		return nil
	})
}
