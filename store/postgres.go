package store

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"github.com/pressly/goose/v3/lock"
)

// postgresEngine is PostgreSQL through pgx v5's database/sql driver.
type postgresEngine struct{}

func (e *postgresEngine) name() string    { return "postgres" }
func (e *postgresEngine) lockDue() string { return " FOR UPDATE OF d SKIP LOCKED" }
func (e *postgresEngine) close() error    { return nil }

// openPostgres connects to the database at url (pgx's URL or key=value
// form; PG* environment variables such as PGPASSWORD fill in what it
// leaves out) and applies the migrations.
func openPostgres(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: postgres url: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("store: connect to postgres %s@%s/%s: %w", cfg.User, cfg.Host, cfg.Database, err), db.Close())
	}
	// Instances starting together take turns at the migrations, under a
	// session advisory lock named after the database and schema.
	var where string
	if err := db.QueryRowContext(ctx, `SELECT current_database() || '.' || current_schema()`).Scan(&where); err != nil {
		return nil, errors.Join(fmt.Errorf("store: postgres schema: %w", err), db.Close())
	}
	h := fnv.New64a()
	h.Write([]byte("folio-migrate:" + where))
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64())), lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, errors.Join(fmt.Errorf("store: migrations: %w", err), db.Close())
	}
	if err := migrate(ctx, db, database.DialectPostgres, "postgres", goose.WithSessionLocker(locker)); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return &Store{eng: &postgresEngine{}, w: db, r: db}, nil
}
