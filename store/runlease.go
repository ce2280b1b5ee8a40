package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ClaimRunLease takes week's run for owner until the lease ends: it succeeds
// when the week has no run yet, or has an unfinished one whose lease has
// run out (or that owner already holds). It fails — false, no error — when
// the run is finished or another owner's lease is still live.
func (s *Store) ClaimRunLease(ctx context.Context, week, owner string, now, until time.Time) (bool, error) {
	var won bool
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO runs (week, started_at, owner, lease_until) VALUES ($1, $2, $3, $4)
			ON CONFLICT (week) DO NOTHING`, week, ms(now), owner, ms(until))
		if err != nil {
			return fmt.Errorf("store: claim run %s: %w", week, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			won = true
			return nil
		}
		res, err = tx.ExecContext(ctx, `UPDATE runs SET owner = $1, lease_until = $2
			WHERE week = $3 AND finished_at = 0 AND (lease_until < $4 OR owner = $1)`, owner, ms(until), week, ms(now))
		if err != nil {
			return fmt.Errorf("store: take over run %s: %w", week, err)
		}
		n, err := res.RowsAffected()
		if err != nil || n == 1 {
			won = n == 1
			return err
		}
		won, err = s.takeFromDead(ctx, tx, week, owner, until)
		return err
	})
	return won, err
}

// takeFromDead takes week's unfinished run over from a holder whose
// lease is live but whose process is dead (a bound owner, BindOwner).
func (s *Store) takeFromDead(ctx context.Context, tx *sql.Tx, week, owner string, until time.Time) (bool, error) {
	var holder string
	err := tx.QueryRowContext(ctx, `SELECT r.owner FROM runs r JOIN owners o ON o.owner = r.owner
		WHERE r.week = $1 AND r.finished_at = 0`, week).Scan(&holder)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: run holder %s: %w", week, err)
	}
	dead, err := s.eng.ownerDead(ctx, tx, holder)
	if err != nil || !dead {
		return false, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE runs SET owner = $1, lease_until = $2 WHERE week = $3 AND owner = $4 AND finished_at = 0`,
		owner, ms(until), week, holder)
	if err != nil {
		return false, fmt.Errorf("store: take over run %s: %w", week, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RenewRun extends owner's lease on week's run; false means the lease
// was lost (another owner took the run over).
func (s *Store) RenewRun(ctx context.Context, week, owner string, until time.Time) (bool, error) {
	var held bool
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE runs SET lease_until = $1 WHERE week = $2 AND owner = $3 AND finished_at = 0`,
			ms(until), week, owner)
		if err != nil {
			return fmt.Errorf("store: renew run %s: %w", week, err)
		}
		n, err := res.RowsAffected()
		held = n == 1
		return err
	})
	return held, err
}
