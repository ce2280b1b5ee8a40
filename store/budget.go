package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/foliopress/folio/internal/delivery"
)

var _ delivery.Budget = (*Store)(nil)

// Each budget call is one short write transaction whose first statement
// locks the row: an UPDATE that changes nothing and returns it (the row
// lock on PostgreSQL; SQLite has one writer at a time). So runs and
// instances that share the store take from one allowance, never both
// from the same tokens.
const (
	qBudgetEnsure = `INSERT INTO send_budget (name, milli, at_ms) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`
	qBudgetLock   = `UPDATE send_budget SET at_ms = at_ms WHERE name = $1 RETURNING milli, at_ms`
	qBudgetSet    = `UPDATE send_budget SET milli = $2, at_ms = $3 WHERE name = $1`
	qBudgetPrune  = `DELETE FROM send_budget WHERE name LIKE 'day:%' AND at_ms < $1`
)

// lockBudget makes sure the row exists (with milli and at when new) and
// returns it, locked for the rest of tx.
func (s *Store) lockBudget(ctx context.Context, tx *sql.Tx, name string, milli, at int64) (int64, int64, error) {
	if _, err := tx.ExecContext(ctx, qBudgetEnsure, name, milli, at); err != nil {
		return 0, 0, err
	}
	err := tx.QueryRowContext(ctx, qBudgetLock, name).Scan(&milli, &at)
	return milli, at, err
}

// TakeTokens implements delivery.Budget: up to want tokens from bucket
// name, which holds at most burst and refills at rate a second (a new
// bucket starts full). It returns how many it took and, when none, how
// long until one is there.
func (s *Store) TakeTokens(ctx context.Context, name string, want int, rate float64, burst int, now time.Time) (int, time.Duration, error) {
	if want <= 0 || rate <= 0 || burst <= 0 {
		return 0, 0, fmt.Errorf("store: budget %s: want, rate and burst must be positive", name)
	}
	var got int
	var wait time.Duration
	err := s.tx(ctx, func(tx *sql.Tx) error {
		milli, at, err := s.lockBudget(ctx, tx, name, int64(burst)*1000, ms(now))
		if err != nil {
			return err
		}
		tokens := float64(milli) / 1000
		if el := now.UnixMilli() - at; el > 0 { // a clock behind another instance's adds nothing
			tokens += float64(el) / 1000 * rate
			at = now.UnixMilli()
		}
		tokens = min(tokens, float64(burst))
		got = min(want, int(math.Floor(tokens)))
		tokens -= float64(got)
		if got == 0 {
			wait = time.Duration((1 - tokens) / rate * float64(time.Second))
		}
		_, err = tx.ExecContext(ctx, qBudgetSet, name, int64(math.Floor(tokens*1000)), at)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("store: budget %s: %w", name, err)
	}
	return got, max(wait, time.Millisecond), nil
}

// ReturnTokens implements delivery.Budget: n tokens taken and not used
// go back to bucket name (up to burst).
func (s *Store) ReturnTokens(ctx context.Context, name string, n, burst int) error {
	if n <= 0 {
		return nil
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		milli, at, err := s.lockBudget(ctx, tx, name, int64(burst)*1000, 0)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, qBudgetSet, name, min(milli+int64(n)*1000, int64(burst)*1000), at)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: budget %s: %w", name, err)
	}
	return nil
}

// TakeWindow implements delivery.Budget: up to want of the limit of the
// day that starts at day (its name "day:2006-01-02"). Windows over two
// days old are deleted as new ones begin.
func (s *Store) TakeWindow(ctx context.Context, day time.Time, want, limit int) (int, error) {
	name := windowName(day)
	var got int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, qBudgetPrune, ms(day.Add(-48*time.Hour))); err != nil {
			return err
		}
		used, _, err := s.lockBudget(ctx, tx, name, 0, ms(day))
		if err != nil {
			return err
		}
		got = max(min(want, limit-int(used/1000)), 0)
		_, err = tx.ExecContext(ctx, qBudgetSet, name, used+int64(got)*1000, ms(day))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: budget %s: %w", name, err)
	}
	return got, nil
}

// ReturnWindow implements delivery.Budget: n taken from day's window and
// not used go back.
func (s *Store) ReturnWindow(ctx context.Context, day time.Time, n int) error {
	if n <= 0 {
		return nil
	}
	name := windowName(day)
	err := s.tx(ctx, func(tx *sql.Tx) error {
		used, at, err := s.lockBudget(ctx, tx, name, 0, ms(day))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, qBudgetSet, name, max(used-int64(n)*1000, 0), at)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: budget %s: %w", name, err)
	}
	return nil
}

func windowName(day time.Time) string {
	return "day:" + strings.TrimSpace(day.UTC().Format(time.DateOnly))
}
