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
// same version numbers in both).
func migrate(ctx context.Context, db *sql.DB, dialect database.Dialect, dir string, opts ...goose.ProviderOption) error {
	sub, err := fs.Sub(migrations, "migrations/"+dir)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	p, err := goose.NewProvider(dialect, db, sub, opts...)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// checkVersion fails unless the database's schema is the newest this
// build knows (a read-only store cannot migrate it).
func checkVersion(ctx context.Context, db *sql.DB, dir string) error {
	entries, err := fs.ReadDir(migrations, "migrations/"+dir)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	var want int64
	for _, e := range entries {
		var v int64
		if _, err := fmt.Sscanf(e.Name(), "%d_", &v); err == nil && v > want {
			want = v
		}
	}
	var have sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT MAX(version_id) FROM goose_db_version`).Scan(&have); err != nil {
		return fmt.Errorf("store: schema version: %w", err)
	}
	if have.Int64 < want {
		return fmt.Errorf("store: the database's schema is version %d, this Folio needs %d: open it once with write access (folio init) to migrate it", have.Int64, want)
	}
	return nil
}
