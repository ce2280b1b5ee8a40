package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

// TestHealthyNoticesAVanishedFile: a SQLite store whose file is deleted,
// or replaced by another file, is unhealthy (serve stops on it).
func TestHealthyNoticesAVanishedFile(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		change func(path string) error
	}{
		{"deleted", os.Remove},
		{"replaced", func(path string) error {
			other := path + ".new"
			if err := os.WriteFile(other, nil, 0o600); err != nil {
				return err
			}
			return os.Rename(other, path)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "folio.db")
			s, err := store.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer closeStore(t, s)
			if err := s.Healthy(ctx); err != nil {
				t.Fatalf("fresh store: %v", err)
			}
			if err := tc.change(path); err != nil {
				t.Fatal(err)
			}
			if err := s.Healthy(ctx); !errors.Is(err, store.ErrGone) {
				t.Fatalf("after the file was %s: %v, want ErrGone", tc.name, err)
			}
		})
	}
	t.Run("postgres", func(t *testing.T) {
		if err := storetest.Open(t, "postgres").Healthy(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// TestOpenNeverCreatesUnlessAsked: without Config.Create a missing SQLite
// file is ErrNoDatabase, and no file is left behind.
func TestOpenNeverCreatesUnlessAsked(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "typo.db")
	for _, cfg := range []store.Config{{Path: path}, {Path: path, ReadOnly: true}} {
		if _, err := store.OpenConfig(ctx, cfg); !errors.Is(err, store.ErrNoDatabase) {
			t.Errorf("%+v: %v, want ErrNoDatabase", cfg, err)
		}
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a database file was made: %v", err)
	}
	s, err := store.OpenConfig(ctx, store.Config{Path: path, Create: true})
	if err != nil {
		t.Fatal(err)
	}
	closeStore(t, s)
}

// TestReadOnlyStoreServesReads: a store opened read-only — on SQLite a
// file and folder nobody may write — lists members and ledger counts,
// and refuses writes.
func TestReadOnlyStoreServesReads(t *testing.T) {
	ctx := context.Background()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			target := storetest.Target(t, engine)
			s, err := store.Open(ctx, target)
			if err != nil {
				t.Fatal(err)
			}
			addMembers(t, s, 3, "")
			if _, err := s.EnsureDeliveries(ctx, "W", delivery.Audience{}, time.Now()); err != nil {
				t.Fatal(err)
			}
			closeStore(t, s)
			cfg := store.Config{URL: target, ReadOnly: true}
			if engine == "sqlite" {
				cfg = store.Config{Path: target, ReadOnly: true}
				dir := filepath.Dir(target)
				if err := os.Chmod(target, 0o444); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(dir, 0o555); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
			}
			ro, err := store.OpenConfig(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer closeStore(t, ro)
			if ms, err := ro.ListMembers(ctx); err != nil || len(ms) != 3 {
				t.Errorf("members: %d, %v", len(ms), err)
			}
			if c, err := ro.Counts(ctx, "W"); err != nil || c[delivery.StatePending] != 3 {
				t.Errorf("counts: %v, %v", c, err)
			}
			if _, _, err := ro.UpsertMembers(ctx, []member.Member{mem("x@example.org", "", member.StatusActive)}); err == nil {
				t.Error("a read-only store took a write")
			}
		})
	}
}
