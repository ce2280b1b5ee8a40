package store

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// ErrGone is returned by Healthy when the SQLite file was deleted or
// replaced under the running process: its writes would go to a file
// nobody reads any more.
var ErrGone = errors.New("store: database file deleted or replaced")

// Healthy checks that the store is still the one opened: on SQLite that
// the file at its path is the same file (device and inode) and the
// database answers; on PostgreSQL that the server answers.
func (s *Store) Healthy(ctx context.Context) error {
	if err := s.eng.healthy(); err != nil {
		return err
	}
	if err := s.r.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// healthy compares the file at the path with the one opened.
func (e *sqliteEngine) healthy() error {
	fi, err := os.Stat(e.path)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrGone, e.path, err)
	}
	if !os.SameFile(fi, e.opened) {
		return fmt.Errorf("%w: %s is another file now", ErrGone, e.path)
	}
	return nil
}

func (e *postgresEngine) healthy() error { return nil }
