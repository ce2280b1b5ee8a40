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

// ActiveSends lists the issues to join, oldest first: those a live
// process is sending now (a bound owner's Send), and those whose sender
// died (kill -9, a lost machine) with rows left to send — their rows are
// given back, and they stay listed until a live sender takes them on. A
// send that ended (done, paused, stopped) released its owner and is not
// listed.
func (s *Store) ActiveSends(ctx context.Context) ([]string, error) {
	var out []string
	err := s.tx(ctx, func(tx *sql.Tx) error {
		// A dead process's own owner (the scheduler's) is forgotten unless
		// it still holds an unfinished run, which another instance takes
		// over through it (ClaimRunLease).
		if err := forgetDeadProcesses(ctx, s.eng, tx); err != nil {
			return err
		}
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
		type issueOwners struct {
			live bool
			dead []string
		}
		byIssue := map[string]*issueOwners{}
		var order []string
		for _, b := range all {
			io := byIssue[b.issue]
			if io == nil {
				io = &issueOwners{}
				byIssue[b.issue] = io
				order = append(order, b.issue)
			}
			dead, err := s.eng.ownerDead(ctx, tx, b.owner)
			if err != nil {
				return fmt.Errorf("store: owner %s: %w", b.owner, err)
			}
			if !dead {
				io.live = true
				continue
			}
			io.dead = append(io.dead, b.owner)
			if _, err := tx.ExecContext(ctx, qReleaseOwner, ms(time.Now()), b.issue, b.owner); err != nil {
				return fmt.Errorf("store: release owner %s: %w", b.owner, err)
			}
		}
		for _, issue := range order {
			io := byIssue[issue]
			resume := io.live
			if !io.live {
				// A dead sender's send is listed, to be resumed, until a
				// live sender of the issue is bound or nothing is left to
				// send: a resumer that dies before binding loses nothing.
				err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM deliveries d WHERE d.issue_id = $1 AND `+dueStates+`
					AND d.state IN ('pending', 'sending'))`, issue).Scan(&resume)
				if err != nil {
					return fmt.Errorf("store: active sends: %w", err)
				}
			}
			if resume {
				out = append(out, issue)
			}
			if io.live || !resume {
				for _, o := range io.dead {
					if _, err := tx.ExecContext(ctx, `DELETE FROM owners WHERE owner = $1`, o); err != nil {
						return fmt.Errorf("store: forget owner %s: %w", o, err)
					}
				}
			}
		}
		return nil
	})
	return out, err
}

// forgetDeadProcesses removes the dead process owners (issue "") that
// hold no unfinished run.
func forgetDeadProcesses(ctx context.Context, eng engine, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT o.owner FROM owners o WHERE o.issue_id = ''
		AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.owner = o.owner AND r.finished_at = 0)`)
	if err != nil {
		return fmt.Errorf("store: owners: %w", err)
	}
	var owners []string
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			_ = rows.Close()
			return fmt.Errorf("store: owners: %w", err)
		}
		owners = append(owners, o)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("store: owners: %w", err)
	}
	for _, o := range owners {
		dead, err := eng.ownerDead(ctx, tx, o)
		if err != nil {
			return fmt.Errorf("store: owner %s: %w", o, err)
		}
		if dead {
			if _, err := tx.ExecContext(ctx, `DELETE FROM owners WHERE owner = $1`, o); err != nil {
				return fmt.Errorf("store: forget owner %s: %w", o, err)
			}
		}
	}
	return nil
}
