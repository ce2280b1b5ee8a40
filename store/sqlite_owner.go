package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// ownersDir holds one lock file per live owner, beside the database.
func (e *sqliteEngine) ownersDir() string { return e.path + "-owners" }

func (e *sqliteEngine) ownerFile(owner string) string {
	var b [8]byte
	k := uint64(ownerKey(owner))
	for i := range b {
		b[i] = byte(k >> (56 - 8*i))
	}
	return filepath.Join(e.ownersDir(), hex.EncodeToString(b[:])+".lock")
}

// bindOwner creates owner's lock file and holds an exclusive flock on it
// until release; the kernel drops the lock when the process dies.
func (e *sqliteEngine) bindOwner(_ context.Context, owner string) (func() error, error) {
	if err := os.MkdirAll(e.ownersDir(), 0o700); err != nil {
		return nil, err
	}
	name := e.ownerFile(owner)
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return nil, errors.Join(fmt.Errorf("lock %s: %w", name, err), f.Close())
	}
	return func() error {
		err := os.Remove(name)
		return errors.Join(err, f.Close())
	}, nil
}

// ownerDead reports whether owner's lock file is gone or unlocked. A
// dead owner's file is removed.
func (e *sqliteEngine) ownerDead(_ context.Context, _ *sql.Tx, owner string) (bool, error) {
	name := e.ownerFile(owner)
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("lock %s: %w", name, err)
	}
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return true, err
	}
	return true, nil
}
