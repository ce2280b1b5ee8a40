package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// FinishRun records that week's run completed.
func (s *Store) FinishRun(ctx context.Context, week string, at time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE runs SET finished_at = $1 WHERE week = $2`, ms(at), week)
		if err != nil {
			return fmt.Errorf("store: finish run %s: %w", week, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: finish run %s: %w", week, ErrNotFound)
		}
		return nil
	})
}

// RunState reports whether week's run has started and finished.
func (s *Store) RunState(ctx context.Context, week string) (started, finished bool, err error) {
	var fin int64
	err = s.r.QueryRowContext(ctx, `SELECT finished_at FROM runs WHERE week = $1`, week).Scan(&fin)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("store: run state %s: %w", week, err)
	}
	return true, fin != 0, nil
}

// Issue is a built issue's record.
type Issue struct {
	Week    string
	BuiltAt time.Time
	PDFPath string
}

// RecordIssue records (or re-records) that week's issue was built.
func (s *Store) RecordIssue(ctx context.Context, is Issue) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO issues (week, built_at, pdf_path) VALUES ($1, $2, $3)
			ON CONFLICT (week) DO UPDATE SET built_at = excluded.built_at, pdf_path = excluded.pdf_path`,
			is.Week, ms(is.BuiltAt), is.PDFPath)
		if err != nil {
			return fmt.Errorf("store: record issue %s: %w", is.Week, err)
		}
		return nil
	})
}

// Issues lists the built issues, newest week first.
func (s *Store) Issues(ctx context.Context) ([]Issue, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT week, built_at, pdf_path FROM issues ORDER BY week DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: issues: %w", err)
	}
	defer rows.Close()
	var out []Issue
	for rows.Next() {
		var is Issue
		var at int64
		if err := rows.Scan(&is.Week, &at, &is.PDFPath); err != nil {
			return nil, fmt.Errorf("store: issues: %w", err)
		}
		is.BuiltAt = fromMS(at)
		out = append(out, is)
	}
	return out, rows.Err()
}
