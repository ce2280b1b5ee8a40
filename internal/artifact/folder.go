package artifact

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sys/unix"
)

// Folder keeps each week's issue as a folder, dir/2026-W10/. Beside it
// live the week's build lock (dir/.2026-W10.lock) and, while a build runs,
// its draft (dir/.2026-W10.tmp-*); dot-names are never served.
type Folder struct {
	dir  string
	root *os.Root
	// exchange swaps two paths atomically; a test replaces it to inject
	// a failure.
	exchange func(a, b string) error
	// poll is how often a build waiting for the week's lock tries again.
	poll time.Duration
}

// OpenFolder opens (creating if needed) the folder of built issues.
func OpenFolder(dir string) (*Folder, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("artifact: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("artifact: %w", err)
	}
	return &Folder{dir: dir, root: root, exchange: renameExchange, poll: 50 * time.Millisecond}, nil
}

// Close releases the folder.
func (f *Folder) Close() error { return f.root.Close() }

// Path is the folder week's issue lives in.
func (f *Folder) Path(week string) string { return filepath.Join(f.dir, week) }

// Local returns the folder holding week's issue, or ErrNotFound when it
// has none (no manifest).
func (f *Folder) Local(_ context.Context, week string) (string, error) {
	if err := CheckWeek(week); err != nil {
		return "", err
	}
	if _, err := f.root.Stat(path.Join(week, ManifestFile)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%w: %s", ErrNotFound, week)
		}
		return "", fmt.Errorf("artifact: %w", err)
	}
	return f.Path(week), nil
}

// Open opens one file of week's issue ("issue.pdf", "images/x.jpg"). It
// opens through os.Root, so not even a symlink planted in the folder leads
// outside it; only regular files are returned.
func (f *Folder) Open(_ context.Context, week, name string) (File, error) {
	if err := CheckWeek(week); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	if err := CheckName(name); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	file, err := f.root.Open(path.Join(week, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s/%s", ErrNotFound, week, name)
	}
	if err != nil {
		return nil, fmt.Errorf("artifact: %w", err)
	}
	fi, err := file.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		_ = file.Close()
		return nil, fmt.Errorf("%w: %s/%s is not a file", ErrNotFound, week, name)
	}
	return file, nil
}

// Begin starts a build of week: it waits for the week's lock (another
// build of the same week finishes first), removes drafts killed builds
// left behind, and returns a fresh draft folder beside the issue's, on the
// same file system, so publishing it is one rename.
func (f *Folder) Begin(ctx context.Context, week string) (*Draft, error) {
	if err := CheckWeek(week); err != nil {
		return nil, err
	}
	lock, err := f.lock(ctx, week, true)
	if err != nil {
		return nil, err
	}
	f.sweep(week)
	tmp, err := os.MkdirTemp(f.dir, "."+week+".tmp-")
	if err == nil {
		err = os.Chmod(tmp, 0o755) // readable as the folder it replaces
	}
	if err != nil {
		_ = lock.Close()
		return nil, fmt.Errorf("artifact: %w", err)
	}
	publish := func(context.Context) error { return f.swap(tmp, f.Path(week)) }
	release := func() error {
		err := removeTree(tmp) // after a swap, the old issue's folder
		return errors.Join(err, lock.Close())
	}
	return NewDraft(tmp, publish, release), nil
}

// lock takes the week's build lock (flock on dir/.week.lock), waiting for
// it when wait is set; closing the file releases it, and so does the
// death of the process holding it.
func (f *Folder) lock(ctx context.Context, week string, wait bool) (*os.File, error) {
	lf, err := os.OpenFile(filepath.Join(f.dir, "."+week+".lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("artifact: lock %s: %w", week, err)
	}
	for {
		err := unix.Flock(int(lf.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return lf, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			_ = lf.Close()
			return nil, fmt.Errorf("artifact: lock %s: %w", week, err)
		}
		if !wait {
			_ = lf.Close()
			return nil, errBusy
		}
		select {
		case <-ctx.Done():
			_ = lf.Close()
			return nil, fmt.Errorf("artifact: waiting for another build of %s: %w", week, ctx.Err())
		case <-time.After(f.poll):
		}
	}
}

var errBusy = errors.New("artifact: busy")

// sweep removes the drafts killed builds left: those of week (whose lock
// the caller holds) and of any other week whose lock is free.
func (f *Folder) sweep(week string) {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		w, ok := draftWeek(e.Name())
		if !ok {
			continue
		}
		if w != week {
			lf, err := f.lock(context.Background(), w, false)
			if err != nil {
				continue // a build of w is running: its draft is alive
			}
			_ = os.RemoveAll(filepath.Join(f.dir, e.Name()))
			_ = lf.Close()
			continue
		}
		_ = os.RemoveAll(filepath.Join(f.dir, e.Name()))
	}
}

// draftWeek reads the week out of a draft folder's name, ".2026-W10.tmp-123".
func draftWeek(name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, ".")
	if !ok {
		return "", false
	}
	w, _, ok := strings.Cut(rest, ".tmp-")
	return w, ok && CheckWeek(w) == nil
}

// swap makes tmp the folder at final. With an old issue in place, the two
// are exchanged in one renameat2(RENAME_EXCHANGE): at every moment final
// is one whole issue, and if the exchange fails nothing moved. The old
// issue ends up at tmp, which the draft's Close removes. The draft's files
// are synced first, so a crash just after cannot leave empty files behind
// a published name.
func (f *Folder) swap(tmp, final string) error {
	if err := syncTree(tmp); err != nil {
		return fmt.Errorf("artifact: sync %s: %w", tmp, err)
	}
	err := f.exchange(tmp, final)
	if errors.Is(err, unix.ENOENT) {
		// No old issue: a rename that refuses to replace anything that
		// appeared meanwhile.
		err = unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, final, unix.RENAME_NOREPLACE)
		if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
			err = os.Rename(tmp, final)
		}
	} else if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
		err = swapByRenames(tmp, final)
	}
	if err != nil {
		return fmt.Errorf("artifact: publish %s: %w", filepath.Base(final), err)
	}
	return syncPath(filepath.Dir(final))
}

func renameExchange(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}

// swapByRenames is the swap on a file system without RENAME_EXCHANGE:
// the old folder is moved aside and, if the new one cannot take its place,
// moved back, so a failure still leaves the old issue.
func swapByRenames(tmp, final string) error {
	aside := tmp + "-old"
	if err := os.Rename(final, aside); err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		if rerr := os.Rename(aside, final); rerr != nil {
			return errors.Join(err, fmt.Errorf("restore the old issue from %s: %w", aside, rerr))
		}
		return err
	}
	// The old issue goes where Close removes the draft.
	return os.Rename(aside, tmp)
}

// syncTree fsyncs every file and folder under dir. The fsyncs run side
// by side: the file system commits its journal once for those that wait
// together, where one after another each of an issue's thirty-odd files
// waited for a commit of its own.
func syncTree(dir string) error {
	var g errgroup.Group
	g.SetLimit(syncersAtOnce)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		g.Go(func() error { return syncPath(p) })
		return nil
	})
	return errors.Join(err, g.Wait())
}

// removeTree removes dir and everything under it, its entries side by
// side: freeing a large file's blocks takes the file system milliseconds
// (the PDF's and the EPUB's were most of a rebuild's last 8 ms), and two
// such frees overlap.
func removeTree(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	var g errgroup.Group
	g.SetLimit(syncersAtOnce)
	for _, e := range entries {
		g.Go(func() error { return os.RemoveAll(filepath.Join(dir, e.Name())) })
	}
	return errors.Join(g.Wait(), os.RemoveAll(dir))
}

// syncersAtOnce bounds syncTree's fsyncs and removeTree's removals in
// flight (and open files).
const syncersAtOnce = 16

// syncPath fsyncs the file or folder at p.
func syncPath(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// Weeks lists the weeks with a built issue, oldest first.
func (f *Folder) Weeks(context.Context) ([]string, error) {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return nil, fmt.Errorf("artifact: %w", err)
	}
	var weeks []string
	for _, e := range entries {
		if e.IsDir() && CheckWeek(e.Name()) == nil {
			if _, err := f.root.Stat(path.Join(e.Name(), ManifestFile)); err == nil {
				weeks = append(weeks, e.Name())
			}
		}
	}
	return weeks, nil
}
