package artifact

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"sync"
)

// ErrNotFound is returned for a week or file that is not stored.
var ErrNotFound = fmt.Errorf("artifact: %w", fs.ErrNotExist)

// File is one stored file, open for reading: *os.File is one.
type File interface {
	io.ReadSeekCloser
	Stat() (fs.FileInfo, error)
}

// weekName is the only shape of week a store accepts ("2026-W10"), so a
// week never names a path outside the store.
var weekName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{4}-W[0-9]{2}$`) })

// fileName is the shape of a stored file's name: a top-level file or one
// in images/, made of safe characters, no dot-files, no "..".
var fileName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(images/)?[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$`) })

// CheckWeek reports whether week is a canonical week name.
func CheckWeek(week string) error {
	if !weekName().MatchString(week) {
		return fmt.Errorf("artifact: %q is not a week such as 2026-W10", week)
	}
	return nil
}

// CheckName reports whether name may be a stored file's name.
func CheckName(name string) error {
	if !fileName().MatchString(name) || strings.Contains(name, "..") || path.Clean(name) != name {
		return fmt.Errorf("artifact: %q is not a file name of an issue", name)
	}
	return nil
}

// Draft is a week's issue being built: fill Dir, then Publish replaces the
// week's stored issue with it in one step. Close discards a draft that was
// not published and releases the week's build lock; call it in every case.
type Draft struct {
	// Dir is the scratch folder the build writes the files into.
	Dir string

	publish   func(ctx context.Context) error
	release   func() error
	mu        sync.Mutex
	published bool
	closed    bool
}

// NewDraft makes a draft over dir for a store: publish makes dir's files
// the week's issue, release removes what is left and unlocks the week.
func NewDraft(dir string, publish func(ctx context.Context) error, release func() error) *Draft {
	return &Draft{Dir: dir, publish: publish, release: release}
}

// Publish makes the draft the week's issue. On an error the week's
// previous issue, if any, is still the stored one.
func (d *Draft) Publish(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed || d.published {
		return errors.New("artifact: draft already closed or published")
	}
	if err := d.publish(ctx); err != nil {
		return err
	}
	d.published = true
	return nil
}

// Close discards the draft's scratch files and releases the week's lock.
// It is safe to call more than once.
func (d *Draft) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	return d.release()
}

// The files of a built issue that the stores know by name: the manifest
// marks a complete issue.
const ManifestFile = "issue.json"
