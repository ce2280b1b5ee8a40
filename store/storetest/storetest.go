// Package storetest runs store tests against both engines: SQLite in a
// test's temporary folder, and PostgreSQL in a schema of its own in the
// cluster that FOLIO_TEST_POSTGRES_URL names (scripts/test.sh starts a
// throwaway one). A missing URL fails the test: it never skips.
//
// A contract test is written once:
//
//	func TestSomething(t *testing.T) {
//		storetest.Each(t, func(t *testing.T, s *store.Store) { … })
//	}
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/foliopress/folio/store"
)

// EnvPostgresURL names the test cluster: a URL whose user may create
// schemas in its database.
const EnvPostgresURL = "FOLIO_TEST_POSTGRES_URL"

// Engines lists the engines every contract test runs on.
func Engines() []string { return []string{"sqlite", "postgres"} }

// Each runs fn as one subtest per engine, each with a new, empty store.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(e, func(t *testing.T) { fn(t, Open(t, e)) })
	}
}

// Open returns a new, empty store on engine, closed when the test ends.
func Open(t testing.TB, engine string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), Target(t, engine))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("storetest: close: %v", err)
		}
	})
	return s
}

// Target returns a new, empty database on engine for store.Open: a
// SQLite file path, or a PostgreSQL URL whose search_path is a schema
// made for this test and dropped after it. Several stores, in this
// process or others, may open the same target.
func Target(t testing.TB, engine string) string {
	t.Helper()
	switch engine {
	case "sqlite":
		return filepath.Join(t.TempDir(), "folio.db")
	case "postgres":
		return schemaURL(t)
	}
	t.Fatalf("storetest: unknown engine %q", engine)
	return ""
}

// PostgresURL returns the test cluster's URL, failing the test when the
// environment does not name one.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvPostgresURL)
	if u == "" {
		t.Fatalf("storetest: %s is not set: run the tests with scripts/test.sh, which starts a throwaway PostgreSQL cluster, "+
			"or start one with `eval \"$(bash scripts/pg.sh start DIR)\"`", EnvPostgresURL)
	}
	return u
}

// schemaURL makes a fresh schema and returns the cluster's URL with it
// as the search_path.
func schemaURL(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if err := adminExec(base, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() {
		if err := adminExec(base, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("storetest: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: %s: %v", EnvPostgresURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// adminExec runs one statement on its own connection to the cluster.
func adminExec(base, stmt string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", EnvPostgresURL, err)
	}
	if _, err := conn.Exec(ctx, stmt); err != nil {
		_ = conn.Close(ctx)
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return conn.Close(ctx)
}
