package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
)

// engine is what differs between SQLite and PostgreSQL. Everything else
// in the package is portable SQL over database/sql.
type engine interface {
	// name is "sqlite" or "postgres".
	name() string
	// lockDue ends a claim's SELECT of due rows. PostgreSQL locks the
	// rows it returns and skips those another transaction holds, so two
	// instances never pick the same row; SQLite has one writer at a time.
	lockDue() string
	// claimLimit is a claim's query and arguments as the engine runs them;
	// the limit is the last argument.
	claimLimit(query string, args []any) (string, []any)
	// bindOwner ties owner to this process until the returned release
	// is called; ownerDead, inside a claim's transaction, reports whether
	// owner's process is gone (its tie broken), so its rows are free now.
	bindOwner(ctx context.Context, owner string) (release func() error, err error)
	ownerDead(ctx context.Context, tx *sql.Tx, owner string) (bool, error)
	// healthy reports a store that is no longer the one opened.
	healthy() error
	close() error
}

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// migrate applies the dialect's migrations (one folder per dialect, the
// same version numbers in both). Each part of Folio has its own range of
// version numbers, so a database may meet a migration numbered below
// ones it already has (30 after 50): it is applied all the same.
func migrate(ctx context.Context, db *sql.DB, dialect database.Dialect, dir string, opts ...goose.ProviderOption) error {
	sub, err := fs.Sub(migrations, "migrations/"+dir)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	opts = append(opts, goose.WithAllowOutofOrder(true))
	p, err := goose.NewProvider(dialect, db, sub, opts...)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// checkVersion fails unless the database has every migration this build
// knows (a read-only store cannot migrate it); migrations apply out of
// order, so the newest alone proves nothing.
func checkVersion(ctx context.Context, db *sql.DB, dir string) error {
	entries, err := fs.ReadDir(migrations, "migrations/"+dir)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT version_id FROM goose_db_version WHERE is_applied`)
	if err != nil {
		return fmt.Errorf("store: schema version: %w", err)
	}
	defer rows.Close()
	have := map[int64]bool{}
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return fmt.Errorf("store: schema version: %w", err)
		}
		have[v] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: schema version: %w", err)
	}
	for _, e := range entries {
		var v int64
		if _, err := fmt.Sscanf(e.Name(), "%d_", &v); err == nil && !have[v] {
			return fmt.Errorf("store: the database lacks schema version %d, which this Folio needs: open it once with write access (folio init) to migrate it", v)
		}
	}
	return nil
}
