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
