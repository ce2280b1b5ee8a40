package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strconv"
)

// sqliteBusyMS is how long a SQLite connection waits on another's lock
// (every connection's busy_timeout).
const sqliteBusyMS = 10000

// leaveWAL takes conn (the SQLite writer) out of WAL mode for a first
// import, into a rollback journal, and returns what puts it back; nil
// when it stays in WAL. In WAL mode every page of a million-member import
// is written twice, to the log and again when the log is checkpointed
// into the database file. With a rollback journal the new pages go to
// the file once (only the few pages an empty store has are journaled),
// and the import is still one atomic, durable transaction: a crash
// leaves a hot journal that the next connection rolls back.
//
// Only a store with no members and no suppressions qualifies (otherwise
// their pages would all be journaled), and only when no other connection
// has the database open: SQLite leaves WAL mode only then. This process's
// idle readers are closed first; one in use, or another process, keeps
// WAL, and the attempt fails at once instead of waiting on their locks.
func (s *Store) leaveWAL(ctx context.Context, conn *sql.Conn) func() {
	if empty, err := emptyStore(ctx, conn); err != nil || !empty {
		return nil
	}
	s.r.SetMaxIdleConns(0)
	s.r.SetMaxIdleConns(readersIdle)
	mode := journalMode(ctx, conn, "DELETE", 0)
	if mode != "delete" {
		return nil
	}
	return func() {
		if journalMode(context.WithoutCancel(ctx), conn, "WAL", sqliteBusyMS) != "wal" {
			// A fresh connection sets WAL as it opens.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}
}

// journalMode sets conn's journal mode, waiting at most busyMS for other
// connections' locks, and reports the mode it is in ("" when the attempt
// failed); the busy timeout goes back to sqliteBusyMS.
func journalMode(ctx context.Context, conn *sql.Conn, mode string, busyMS int) string {
	var now string
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = `+strconv.Itoa(busyMS)); err != nil {
		return ""
	}
	if err := conn.QueryRowContext(ctx, `PRAGMA journal_mode = `+mode).Scan(&now); err != nil {
		now = ""
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = `+strconv.Itoa(sqliteBusyMS)); err != nil {
		return ""
	}
	return now
}
