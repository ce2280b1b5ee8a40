package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/foliopress/folio/internal/editor"
)

// ErrPlanStarted is returned when a plan can no longer be changed: its
// send has started.
var ErrPlanStarted = errors.New("store: the scheduled send has started")

// ScheduleSend schedules week's send for at (replacing a plan not yet
// started).
func (s *Store) ScheduleSend(ctx context.Context, p editor.Plan) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO send_plans (week, state, at, editor, created_at) VALUES ($1, 'scheduled', $2, $3, $4)
			ON CONFLICT (week) DO UPDATE SET state = 'scheduled', at = excluded.at, editor = excluded.editor, created_at = excluded.created_at
			WHERE send_plans.state <> 'started'`, p.Week, ms(p.At), p.Editor, ms(p.Created))
		if err != nil {
			return fmt.Errorf("store: schedule send %s: %w", p.Week, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: %s", ErrPlanStarted, p.Week)
		}
		return nil
	})
}

// CancelSend cancels week's scheduled send if it has not started.
func (s *Store) CancelSend(ctx context.Context, week string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE send_plans SET state = 'cancelled' WHERE week = $1 AND state = 'scheduled'`, week)
		if err != nil {
			return fmt.Errorf("store: cancel send %s: %w", week, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w (or none was scheduled): %s", ErrPlanStarted, week)
		}
		return nil
	})
}

// Plan returns week's plan; ok is false when it has none.
func (s *Store) Plan(ctx context.Context, week string) (editor.Plan, bool, error) {
	p := editor.Plan{Week: week}
	var at, created int64
	err := s.r.QueryRowContext(ctx, `SELECT state, at, editor, created_at FROM send_plans WHERE week = $1`, week).Scan(&p.State, &at, &p.Editor, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	if err != nil {
		return p, false, fmt.Errorf("store: plan %s: %w", week, err)
	}
	p.At, p.Created = fromMS(at), fromMS(created)
	return p, true, nil
}

// Plans lists the scheduled sends not yet started, soonest first.
func (s *Store) Plans(ctx context.Context) ([]editor.Plan, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT week, state, at, editor, created_at FROM send_plans WHERE state = 'scheduled' ORDER BY at`)
	if err != nil {
		return nil, fmt.Errorf("store: plans: %w", err)
	}
	defer rows.Close()
	var out []editor.Plan
	for rows.Next() {
		var p editor.Plan
		var at, created int64
		if err := rows.Scan(&p.Week, &p.State, &at, &p.Editor, &created); err != nil {
			return nil, fmt.Errorf("store: plans: %w", err)
		}
		p.At, p.Created = fromMS(at), fromMS(created)
		out = append(out, p)
	}
	return out, rows.Err()
}

// StartDuePlan marks week's scheduled send started when it is due at now;
// true means this caller won it (of several instances, exactly one does).
func (s *Store) StartDuePlan(ctx context.Context, week string, now time.Time) (bool, error) {
	var won bool
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE send_plans SET state = 'started' WHERE week = $1 AND state = 'scheduled' AND at <= $2`, week, ms(now))
		if err != nil {
			return fmt.Errorf("store: start plan %s: %w", week, err)
		}
		n, err := res.RowsAffected()
		won = n == 1
		return err
	})
	return won, err
}

// Hold pauses week's send: every instance sending it stops, leaving the
// rest pending, until Unhold.
func (s *Store) Hold(ctx context.Context, week, by string, at time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO send_holds (week, editor, at) VALUES ($1, $2, $3) ON CONFLICT (week) DO NOTHING`, week, by, ms(at)); err != nil {
			return fmt.Errorf("store: hold %s: %w", week, err)
		}
		return nil
	})
}

// Unhold lifts week's pause.
func (s *Store) Unhold(ctx context.Context, week string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM send_holds WHERE week = $1`, week); err != nil {
			return fmt.Errorf("store: unhold %s: %w", week, err)
		}
		return nil
	})
}

// Held reports whether week's send is paused, and by whom.
func (s *Store) Held(ctx context.Context, week string) (bool, string, error) {
	var by string
	err := s.r.QueryRowContext(ctx, `SELECT editor FROM send_holds WHERE week = $1`, week).Scan(&by)
	if errors.Is(err, sql.ErrNoRows) {
		return false, "", nil
	}
	if err != nil {
		return false, "", fmt.Errorf("store: held %s: %w", week, err)
	}
	return true, by, nil
}
