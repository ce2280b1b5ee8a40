package store

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/foliopress/folio/internal/artifact"
)

// IssueFiles keeps built issues in the database, for a store several
// instances share: any instance serves an issue's files and sends it,
// whichever one built it, with no shared disk. A build fills a draft
// folder on this machine and publishes it in one transaction; an issue
// needed as files (to send it) is fetched into a folder of its own once
// per generation. Both live under a cache folder of this instance.
//
// It has the methods of artifact.Folder: publish.Artifacts and
// server.IssueFiles take either.
type IssueFiles struct {
	s     *Store
	cache string
	poll  time.Duration
}

// IssueFiles returns the store's issue files, with cache as this
// instance's folder for drafts and fetched issues.
func (s *Store) IssueFiles(cache string) (*IssueFiles, error) {
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, fmt.Errorf("store: issue cache: %w", err)
	}
	return &IssueFiles{s: s, cache: cache, poll: 50 * time.Millisecond}, nil
}

// Close releases nothing: the store is closed by its owner.
func (f *IssueFiles) Close() error { return nil }

// Begin waits for the week's build lock — held across instances: a
// session advisory lock on PostgreSQL, a file lock beside SQLite — removes
// drafts killed builds left, and returns a draft folder to fill.
func (f *IssueFiles) Begin(ctx context.Context, week string) (*artifact.Draft, error) {
	if err := artifact.CheckWeek(week); err != nil {
		return nil, err
	}
	unlock, err := f.lockWeek(ctx, week)
	if err != nil {
		return nil, err
	}
	f.sweep(week)
	tmp, err := os.MkdirTemp(f.cache, "."+week+".tmp-")
	if err == nil {
		err = os.Chmod(tmp, 0o755)
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("store: draft %s: %w", week, err), unlock())
	}
	publish := func(ctx context.Context) error { return f.publish(ctx, week, tmp) }
	release := func() error { return errors.Join(os.RemoveAll(tmp), unlock()) }
	return artifact.NewDraft(tmp, publish, release), nil
}

// publish stores every file of dir as a new generation of week's issue
// and makes it the current one, in one transaction; the old generation
// goes in the same transaction. The draft folder then becomes this
// instance's local copy of the generation.
func (f *IssueFiles) publish(ctx context.Context, week, dir string) error {
	type file struct {
		name string
		data []byte
	}
	var files []file
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		if err := artifact.CheckName(name); err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", name)
		}
		data, err := os.ReadFile(p)
		files = append(files, file{name, data})
		return err
	})
	if err != nil {
		return fmt.Errorf("store: publish %s: %w", week, err)
	}
	now := ms(time.Now())
	var gen int64
	err = f.s.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(generation), 0) + 1 FROM issue_files WHERE week = $1`, week).Scan(&gen); err != nil {
			return err
		}
		for _, fl := range files {
			if _, err := tx.ExecContext(ctx, `INSERT INTO issue_files (week, generation, name, data, size, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				week, gen, fl.name, fl.data, len(fl.data), now); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO issue_current (week, generation, published_at) VALUES ($1, $2, $3)
			ON CONFLICT (week) DO UPDATE SET generation = excluded.generation, published_at = excluded.published_at`, week, gen, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM issue_files WHERE week = $1 AND generation <> $2`, week, gen)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: publish %s: %w", week, err)
	}
	// The draft is this generation, as fetching it would write it.
	_ = os.Rename(dir, f.local(week, gen))
	f.dropOld(week, gen)
	return nil
}

// local is the folder this instance keeps generation gen of week in.
func (f *IssueFiles) local(week string, gen int64) string {
	return filepath.Join(f.cache, week+".g"+strconv.FormatInt(gen, 10))
}

// current is week's current generation and when it was published.
func (f *IssueFiles) current(ctx context.Context, week string) (int64, time.Time, error) {
	var gen, at int64
	err := f.s.r.QueryRowContext(ctx, `SELECT generation, published_at FROM issue_current WHERE week = $1`, week).Scan(&gen, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, fmt.Errorf("%w: %s", artifact.ErrNotFound, week)
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: issue %s: %w", week, err)
	}
	return gen, fromMS(at), nil
}

// Local returns a folder on this machine holding week's current issue,
// fetching it from the database the first time.
func (f *IssueFiles) Local(ctx context.Context, week string) (string, error) {
	if err := artifact.CheckWeek(week); err != nil {
		return "", err
	}
	for try := 0; ; try++ {
		gen, _, err := f.current(ctx, week)
		if err != nil {
			return "", err
		}
		dir := f.local(week, gen)
		if _, err := os.Stat(filepath.Join(dir, artifact.ManifestFile)); err == nil {
			return dir, nil
		}
		ok, err := f.fetch(ctx, week, gen, dir)
		if err != nil {
			return "", err
		}
		if ok {
			f.dropOld(week, gen)
			return dir, nil
		}
		if try == 3 {
			return "", fmt.Errorf("store: issue %s: rebuilt while it was being fetched, four times over", week)
		}
	}
}

// fetch writes generation gen of week into dir; false means the
// generation was replaced meanwhile (it has no files any more).
func (f *IssueFiles) fetch(ctx context.Context, week string, gen int64, dir string) (bool, error) {
	tmp, err := os.MkdirTemp(f.cache, "."+week+".fetch-")
	if err != nil {
		return false, fmt.Errorf("store: fetch %s: %w", week, err)
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	rows, err := f.s.r.QueryContext(ctx, `SELECT name, data FROM issue_files WHERE week = $1 AND generation = $2`, week, gen)
	if err != nil {
		return false, fmt.Errorf("store: fetch %s: %w", week, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name string
		var data []byte
		if err := rows.Scan(&name, &data); err != nil {
			return false, fmt.Errorf("store: fetch %s: %w", week, err)
		}
		if err := artifact.CheckName(name); err != nil {
			return false, fmt.Errorf("store: fetch %s: %w", week, err)
		}
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return false, fmt.Errorf("store: fetch %s: %w", week, err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return false, fmt.Errorf("store: fetch %s: %w", week, err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("store: fetch %s: %w", week, err)
	}
	if n == 0 {
		return false, nil
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return false, fmt.Errorf("store: fetch %s: %w", week, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, artifact.ManifestFile)); serr == nil {
			return true, nil // fetched by another goroutine meanwhile
		}
		return false, fmt.Errorf("store: fetch %s: %w", week, err)
	}
	return true, nil
}

// dropOld removes this instance's copies of week's older generations.
func (f *IssueFiles) dropOld(week string, gen int64) {
	old, _ := filepath.Glob(filepath.Join(f.cache, week+".g*"))
	for _, p := range old {
		if p != f.local(week, gen) {
			_ = os.RemoveAll(p)
		}
	}
}

// sweep removes drafts and fetches killed processes left: the week's own
// (its lock is held) and any older than a day.
func (f *IssueFiles) sweep(week string) {
	entries, err := os.ReadDir(f.cache)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		scratch := strings.Contains(n, ".tmp-") || strings.Contains(n, ".fetch-")
		if !strings.HasPrefix(n, ".") || !scratch {
			continue
		}
		info, err := e.Info()
		if strings.HasPrefix(n, "."+week+".tmp-") || (err == nil && time.Since(info.ModTime()) > 24*time.Hour) {
			_ = os.RemoveAll(filepath.Join(f.cache, n))
		}
	}
}

// Open opens one file of week's current issue, read from the database.
func (f *IssueFiles) Open(ctx context.Context, week, name string) (artifact.File, error) {
	if err := artifact.CheckWeek(week); err != nil {
		return nil, fmt.Errorf("%w: %w", artifact.ErrNotFound, err)
	}
	if err := artifact.CheckName(name); err != nil {
		return nil, fmt.Errorf("%w: %w", artifact.ErrNotFound, err)
	}
	var data []byte
	var at int64
	err := f.s.r.QueryRowContext(ctx, `SELECT f.data, c.published_at FROM issue_files f
		JOIN issue_current c ON c.week = f.week AND c.generation = f.generation
		WHERE f.week = $1 AND f.name = $2`, week, name).Scan(&data, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s/%s", artifact.ErrNotFound, week, name)
	}
	if err != nil {
		return nil, fmt.Errorf("store: issue file %s/%s: %w", week, name, err)
	}
	return &memFile{Reader: bytes.NewReader(data), info: fileInfo{name: path.Base(name), size: int64(len(data)), mod: fromMS(at)}}, nil
}

// Weeks lists the weeks with a built issue, oldest first.
func (f *IssueFiles) Weeks(ctx context.Context) ([]string, error) {
	rows, err := f.s.r.QueryContext(ctx, `SELECT week FROM issue_current ORDER BY week`)
	if err != nil {
		return nil, fmt.Errorf("store: issue weeks: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, fmt.Errorf("store: issue weeks: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// lockWeek takes the build lock of week, waiting for it, until unlock.
// On PostgreSQL it is a session advisory lock (two-key form, so it never
// meets the owners' one-key locks) on a connection kept out of the pool;
// PostgreSQL drops it the moment the session ends, however the process
// died. On SQLite it is an flock on a file beside the database.
func (f *IssueFiles) lockWeek(ctx context.Context, week string) (func() error, error) {
	h := fnv.New32a()
	h.Write([]byte(week))
	key := int32(h.Sum32())
	switch e := f.s.eng.(type) {
	case *postgresEngine:
		conn, err := e.db.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("store: lock %s: %w", week, err)
		}
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1, $2)`, buildLockSpace, key); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			return nil, errors.Join(fmt.Errorf("store: waiting for another build of %s: %w", week, err), conn.Close())
		}
		return func() error {
			_, err := conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1, $2)`, buildLockSpace, key)
			if err != nil {
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			}
			return errors.Join(err, conn.Close())
		}, nil
	case *sqliteEngine:
		dir := e.path + "-builds"
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("store: lock %s: %w", week, err)
		}
		lf, err := os.OpenFile(filepath.Join(dir, week+".lock"), os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			return nil, fmt.Errorf("store: lock %s: %w", week, err)
		}
		for {
			err := syscall.Flock(int(lf.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
			if err == nil {
				return lf.Close, nil
			}
			if !errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, errors.Join(fmt.Errorf("store: lock %s: %w", week, err), lf.Close())
			}
			select {
			case <-ctx.Done():
				return nil, errors.Join(fmt.Errorf("store: waiting for another build of %s: %w", week, ctx.Err()), lf.Close())
			case <-time.After(f.poll):
			}
		}
	}
	return nil, fmt.Errorf("store: lock %s: unknown engine %s", week, f.s.eng.name())
}

// buildLockSpace is the first key of the builds' advisory locks ("Foli").
const buildLockSpace int32 = 0x466f6c69

// memFile is a stored file read into memory.
type memFile struct {
	*bytes.Reader
	info fileInfo
}

func (m *memFile) Close() error               { return nil }
func (m *memFile) Stat() (fs.FileInfo, error) { return m.info, nil }

type fileInfo struct {
	name string
	size int64
	mod  time.Time
}

func (i fileInfo) Name() string       { return i.name }
func (i fileInfo) Size() int64        { return i.size }
func (i fileInfo) Mode() fs.FileMode  { return 0o444 }
func (i fileInfo) ModTime() time.Time { return i.mod }
func (i fileInfo) IsDir() bool        { return false }
func (i fileInfo) Sys() any           { return nil }
