package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/foliopress/folio/internal/inbound"
	"github.com/foliopress/folio/internal/member"
)

// Batch is one write transaction that many lifecycle changes and kept
// messages join, each under a savepoint of its own: a change that fails
// (or was done before) undoes only itself, and Commit makes them all
// durable with one commit. `folio inbound` reads an mbox through a Batch,
// so a thousand bounces cost one fsync, not a thousand.
type Batch struct {
	s     *Store
	ctx   context.Context
	conn  *sql.Conn // SQLite: the writer, held for the batch
	tx    *sql.Tx
	n     int // savepoints opened
	stmts map[string]*sql.Stmt
}

var (
	_ member.Store  = (*Batch)(nil)
	_ inbound.Store = (*Batch)(nil)
)

// BeginBatch opens a batch; Commit or Rollback ends it. It holds the
// store's writer until then (SQLite), so keep batches short.
func (s *Store) BeginBatch(ctx context.Context) (*Batch, error) {
	b := &Batch{s: s, ctx: ctx, stmts: map[string]*sql.Stmt{}}
	if s.Engine() != "sqlite" {
		tx, err := s.begin(ctx)
		if err != nil {
			return nil, err
		}
		b.tx = tx
		return b, nil
	}
	// SQLite keeps each savepoint's undo pages in a statement journal, a
	// temporary file by default: in memory, a change costs no write(2).
	// The setting is the writer connection's, so it is held and reset.
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: batch: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA temp_store = MEMORY"); err != nil {
		return nil, errors.Join(fmt.Errorf("store: batch: %w", err), conn.Close())
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("store: begin: %w", err), b.release(conn))
	}
	b.conn, b.tx = conn, tx
	return b, nil
}

// release resets the writer connection and hands it back.
func (b *Batch) release(conn *sql.Conn) error {
	if conn == nil {
		return nil
	}
	_, err := conn.ExecContext(context.WithoutCancel(b.ctx), "PRAGMA temp_store = DEFAULT")
	return errors.Join(err, conn.Close())
}

// savepoint runs fn under a savepoint of the batch. One name serves
// every change: savepoints nest, and each is released before the next.
func (b *Batch) savepoint(fn func(*lifeTx) error) error {
	b.n++
	t := &lifeTx{ctx: b.ctx, tx: b.tx, stmts: b.stmts}
	if _, err := t.exec("SAVEPOINT folio_change"); err != nil {
		return fmt.Errorf("store: savepoint: %w", err)
	}
	if err := fn(t); err != nil {
		if _, rerr := t.exec("ROLLBACK TO SAVEPOINT folio_change"); rerr != nil {
			return errors.Join(err, fmt.Errorf("store: rollback to savepoint: %w", rerr))
		}
		if _, rerr := t.exec("RELEASE SAVEPOINT folio_change"); rerr != nil {
			return errors.Join(err, fmt.Errorf("store: release savepoint: %w", rerr))
		}
		return err
	}
	if _, err := t.exec("RELEASE SAVEPOINT folio_change"); err != nil {
		return fmt.Errorf("store: release savepoint: %w", err)
	}
	return nil
}

// Change implements member.Store inside the batch.
func (b *Batch) Change(ctx context.Context, once string, fn func(member.Tx) error) error {
	return b.savepoint(func(t *lifeTx) error {
		if once != "" {
			seen, err := t.claimOnce(once, timeNow())
			if err != nil {
				return err
			}
			if seen {
				return member.ErrDone
			}
		}
		return fn(t)
	})
}

// Keep implements inbound.Store inside the batch.
func (b *Batch) Keep(ctx context.Context, k inbound.Kept) error {
	return b.savepoint(func(t *lifeTx) error { return t.keep(k) })
}

// History implements member.Store; it reads what is committed.
func (b *Batch) History(ctx context.Context, memberID int64) ([]member.Event, error) {
	return b.s.History(ctx, memberID)
}

// LedgerMessage implements inbound.Store (the ledger is not written here).
func (b *Batch) LedgerMessage(ctx context.Context, messageID string) (string, int64, bool, error) {
	return b.s.LedgerMessage(ctx, messageID)
}

// Commit makes every change of the batch durable at once.
func (b *Batch) Commit() error {
	if err := b.tx.Commit(); err != nil {
		return errors.Join(fmt.Errorf("store: commit: %w", err), b.release(b.conn))
	}
	return b.release(b.conn)
}

// Rollback abandons every change of the batch.
func (b *Batch) Rollback() {
	_ = b.tx.Rollback()
	_ = b.release(b.conn)
}
