package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strconv"

	"github.com/pressly/goose/v3/database"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// sqliteEngine is the embedded default: one file, one writer.
type sqliteEngine struct {
	path   string
	opened os.FileInfo // the file opened, for healthy
}

func (e *sqliteEngine) name() string    { return "sqlite" }
func (e *sqliteEngine) lockDue() string { return "" }
func (e *sqliteEngine) close() error    { return nil }

// claimLimit leaves the limit a parameter: SQLite plans a statement once,
// when it is prepared.
func (e *sqliteEngine) claimLimit(query string, args []any) (string, []any) { return query, args }

// readersIdle is how many idle reader connections a SQLite store keeps.
const readersIdle = 2

// openSQLite opens the database file at path, creating it only when
// create is set, and applies the migrations. A read-only store opens the
// readers alone and checks the schema is current instead.
func openSQLite(ctx context.Context, path string, create, readOnly bool) (*Store, error) {
	if !create || readOnly {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("store: %s: %w", path, ErrNoDatabase)
		}
	}
	if readOnly {
		return openSQLiteReadOnly(ctx, path)
	}
	w, err := openSQLiteDB(path, false)
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := migrate(ctx, w, database.DialectSQLite3, "sqlite"); err != nil {
		return nil, errors.Join(err, w.Close())
	}
	r, err := openSQLiteDB(path, true)
	if err != nil {
		return nil, errors.Join(err, w.Close())
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(readersIdle)
	eng, err := newSQLiteEngine(path)
	if err != nil {
		return nil, errors.Join(err, w.Close(), r.Close())
	}
	st := &Store{eng: eng, w: w, r: r, hot: map[string]*sql.Stmt{}}
	for _, q := range hotQueries(st.eng) {
		stmt, err := w.PrepareContext(ctx, q)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("store: prepare: %w", err), st.Close())
		}
		st.hot[q] = stmt
	}
	return st, nil
}

// openSQLiteReadOnly opens path for reading only (a file the process may
// not write, or a command that only reads): every write fails, reads work.
func openSQLiteReadOnly(ctx context.Context, path string) (*Store, error) {
	r, err := openSQLiteDB(path, true)
	if err != nil {
		return nil, err
	}
	r.SetMaxOpenConns(4)
	if err := checkVersion(ctx, r, "sqlite"); err != nil {
		return nil, errors.Join(err, r.Close())
	}
	eng, err := newSQLiteEngine(path)
	if err != nil {
		return nil, errors.Join(err, r.Close())
	}
	return &Store{eng: eng, w: r, r: r}, nil
}

func newSQLiteEngine(path string) (*sqliteEngine, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return &sqliteEngine{path: path, opened: fi}, nil
}

// openSQLiteDB builds the DSN: WAL, synchronous FULL (a committed
// `sending` or `sent` survives power loss), a busy timeout for a second
// process, and IMMEDIATE transactions so writers queue instead of failing
// on upgrade. The writer sets WAL mode, which the file keeps; a reader
// takes the file's mode as it finds it, so one opened while a first
// import runs under a rollback journal (leaveWAL) reads instead of
// waiting to switch the file back.
func openSQLiteDB(path string, readOnly bool) (*sql.DB, error) {
	q := url.Values{}
	if !readOnly {
		q.Add("_pragma", "journal_mode(WAL)")
	}
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "busy_timeout("+strconv.Itoa(sqliteBusyMS)+")")
	q.Add("_pragma", "foreign_keys(1)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := db.Ping(); err != nil {
		return nil, errors.Join(fmt.Errorf("store: open %s: %w", path, err), db.Close())
	}
	return db, nil
}
