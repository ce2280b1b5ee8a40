package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("store: not found")

// Store is Folio's database on one of the two engines. It is safe for
// concurrent use.
type Store struct {
	eng engine
	w   *sql.DB // writes (SQLite: the one writer connection)
	r   *sql.DB // reads (SQLite: a small pool beside the writer; PostgreSQL: w)
	// hot holds statements prepared once on the writer (SQLite only:
	// parsing them on every claim and outcome cost more CPU than running
	// them; pgx caches its prepared statements by itself).
	hot map[string]*sql.Stmt
}

// Config says which database to open and how.
type Config struct {
	// URL selects PostgreSQL: "postgres://user@host:5432/db?sslmode=…".
	// Empty means SQLite at Path.
	URL string
	// Path is the SQLite database file.
	Path string
	// Create lets Open make a new SQLite database when Path does not
	// exist; without it a missing file is an error (ErrNoDatabase).
	Create bool
	// ReadOnly opens the store for reading only: no migrations, every
	// write fails. A database file the process cannot write still serves
	// reads.
	ReadOnly bool
}

// ErrNoDatabase is returned when the SQLite file does not exist and
// Config.Create is false.
var ErrNoDatabase = errors.New("store: no database")

// IsURL reports whether target names a PostgreSQL database rather than a
// SQLite file.
func IsURL(target string) bool {
	return strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://")
}

// Open opens target — a postgres:// URL, or the path of a SQLite file,
// created when missing — and applies the migrations.
func Open(ctx context.Context, target string) (*Store, error) {
	if IsURL(target) {
		return OpenConfig(ctx, Config{URL: target})
	}
	return OpenConfig(ctx, Config{Path: target, Create: true})
}

// OpenConfig opens the database cfg names and applies the migrations.
func OpenConfig(ctx context.Context, cfg Config) (*Store, error) {
	var (
		s   *Store
		err error
	)
	if cfg.URL != "" {
		s, err = openPostgres(ctx, cfg.URL, cfg.ReadOnly)
	} else {
		s, err = openSQLite(ctx, cfg.Path, cfg.Create, cfg.ReadOnly)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Engine names the store's engine: "sqlite" or "postgres".
func (s *Store) Engine() string { return s.eng.name() }

// Close closes the connection pools.
func (s *Store) Close() error {
	var errs []error
	for _, stmt := range s.hot {
		errs = append(errs, stmt.Close())
	}
	errs = append(errs, s.eng.close())
	if s.r != s.w {
		errs = append(errs, s.r.Close())
	}
	return errors.Join(append(errs, s.w.Close())...)
}

// exec runs q in tx, through its prepared statement when it is a hot one.
func (s *Store) exec(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	if stmt, ok := s.hot[q]; ok {
		return tx.StmtContext(ctx, stmt).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

// query is exec for statements returning rows.
func (s *Store) query(ctx context.Context, tx *sql.Tx, q string, args ...any) (*sql.Rows, error) {
	if stmt, ok := s.hot[q]; ok {
		return tx.StmtContext(ctx, stmt).QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, q, args...)
}

// begin starts a write transaction.
func (s *Store) begin(ctx context.Context) (*sql.Tx, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	return tx, nil
}

// tx runs fn in one write transaction and commits it.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// ms converts a time to the stored Unix milliseconds (zero stays zero).
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS converts stored Unix milliseconds back (zero stays zero).
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
