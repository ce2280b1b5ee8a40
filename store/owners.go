package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// BindOwner implements delivery.OwnerBinder: it ties owner's claims to
// this process until release, so that another process can tell at once
// that owner died (kill -9, a lost machine) and take its rows back
// without waiting for their lease. On PostgreSQL the tie is a session
// advisory lock held on a connection of its own; on SQLite an flock on a
// file beside the database.
// issueID names the issue the owner sends ("" for a process's own owner,
// such as the scheduler's run lease holder).
func (s *Store) BindOwner(ctx context.Context, issueID, owner string) (release func(), err error) {
	unlock, err := s.eng.bindOwner(ctx, owner)
	if err != nil {
		return nil, fmt.Errorf("store: bind owner %s: %w", owner, err)
	}
	// Listed only once locked: a listed owner with a free lock is dead.
	err = s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO owners (owner, issue_id, bound_at) VALUES ($1, $2, $3) ON CONFLICT (owner) DO NOTHING`,
			owner, issueID, ms(time.Now()))
		return err
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("store: bind owner %s: %w", owner, err), unlock())
	}
	return func() {
		_ = s.tx(context.WithoutCancel(ctx), func(tx *sql.Tx) error {
			_, err := tx.ExecContext(context.WithoutCancel(ctx), `DELETE FROM owners WHERE owner = $1`, owner)
			return err
		})
		_ = unlock()
	}, nil
}

// ownerKey is owner's lock key: the first 8 bytes of its SHA-256. Two
// owners sharing a key would only make a dead one look alive (its rows
// wait for their lease), never the other way round.
func ownerKey(owner string) int64 {
	h := sha256.Sum256([]byte("folio owner " + owner))
	return int64(binary.BigEndian.Uint64(h[:8]))
}

// qReleaseOwner gives a dead owner's rows back: pending, with their
// Message-ID, the attempt not counted (nothing says it reached the
// relay).
const qReleaseOwner = `UPDATE deliveries SET state = 'pending', owner = '', next_attempt = 0,
	attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, updated_at = $1
	WHERE issue_id = $2 AND state = 'sending' AND owner = $3`

// releaseDead finds the bound owners of issueID's rows that are still
// under lease, other than me, and gives back the rows of those that are
// dead.
// It reports how many rows came back.
func (s *Store) releaseDead(ctx context.Context, tx *sql.Tx, issueID, me string, now time.Time) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT d.owner FROM deliveries d JOIN owners o ON o.owner = d.owner
		WHERE d.issue_id = $1 AND `+dueStates+` AND d.state = 'sending' AND d.next_attempt > $2 AND d.owner <> $3`,
		issueID, ms(now), me)
	if err != nil {
		return 0, fmt.Errorf("store: owners: %w", err)
	}
	var owners []string
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			_ = rows.Close()
			return 0, fmt.Errorf("store: owners: %w", err)
		}
		owners = append(owners, o)
	}
	if err := rows.Close(); err != nil {
		return 0, fmt.Errorf("store: owners: %w", err)
	}
	n := 0
	for _, o := range owners {
		if o == "" {
			continue
		}
		dead, err := s.eng.ownerDead(ctx, tx, o)
		if err != nil {
			return n, fmt.Errorf("store: owner %s: %w", o, err)
		}
		if !dead {
			continue
		}
		k, err := releaseOwner(ctx, tx, issueID, o, now)
		if err != nil {
			return n, err
		}
		n += k
	}
	return n, nil
}

// releaseOwner gives back dead owner's rows of issueID and, when that is
// the issue it was bound to, forgets it.
func releaseOwner(ctx context.Context, tx *sql.Tx, issueID, owner string, now time.Time) (int, error) {
	res, err := tx.ExecContext(ctx, qReleaseOwner, ms(now), issueID, owner)
	if err != nil {
		return 0, fmt.Errorf("store: release owner %s: %w", owner, err)
	}
	k, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, `DELETE FROM owners WHERE owner = $1 AND issue_id = $2`, owner, issueID); err != nil {
		return int(k), fmt.Errorf("store: forget owner %s: %w", owner, err)
	}
	return int(k), nil
}

// ActiveSends lists the issues that a live process is sending now (a
// bound owner's Send), oldest first. Another instance joins them. Dead
// owners found on the way have their rows given back and are forgotten.
func (s *Store) ActiveSends(ctx context.Context) ([]string, error) {
	var out []string
	err := s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT owner, issue_id FROM owners WHERE issue_id <> '' ORDER BY bound_at`)
		if err != nil {
			return fmt.Errorf("store: active sends: %w", err)
		}
		type bound struct{ owner, issue string }
		var all []bound
		for rows.Next() {
			var b bound
			if err := rows.Scan(&b.owner, &b.issue); err != nil {
				_ = rows.Close()
				return fmt.Errorf("store: active sends: %w", err)
			}
			all = append(all, b)
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("store: active sends: %w", err)
		}
		seen := map[string]bool{}
		for _, b := range all {
			dead, err := s.eng.ownerDead(ctx, tx, b.owner)
			if err != nil {
				return fmt.Errorf("store: owner %s: %w", b.owner, err)
			}
			if dead {
				if _, err := releaseOwner(ctx, tx, b.issue, b.owner, time.Now()); err != nil {
					return err
				}
				continue
			}
			if !seen[b.issue] {
				seen[b.issue] = true
				out = append(out, b.issue)
			}
		}
		return nil
	})
	return out, err
}
