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
func (s *Store) BindOwner(ctx context.Context, owner string) (release func(), err error) {
	unlock, err := s.eng.bindOwner(ctx, owner)
	if err != nil {
		return nil, fmt.Errorf("store: bind owner %s: %w", owner, err)
	}
	// Listed only once locked: a listed owner with a free lock is dead.
	err = s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO owners (owner, bound_at) VALUES ($1, $2) ON CONFLICT (owner) DO NOTHING`,
			owner, ms(time.Now()))
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
		res, err := tx.ExecContext(ctx, qReleaseOwner, ms(now), issueID, o)
		if err != nil {
			return n, fmt.Errorf("store: release owner %s: %w", o, err)
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}
