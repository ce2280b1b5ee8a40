package publish

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// photoCacheVersion is part of every cache key: bump it when the scaling
// or the encoding changes, so no build reuses a copy made the old way.
const photoCacheVersion = 1

// photoCacheTTL is how long a copy no build has used stays in the cache.
// A week's photos are rebuilt for days while it is edited, then never;
// an old issue's rebuild scales its photos again.
const photoCacheTTL = 60 * 24 * time.Hour

// photoCache keeps the scaled copies of photos, named by the source's
// SHA-256 and how the copy was made, so rebuilding a week (as editors do
// after every correction) copies them instead of decoding and scaling
// each photo again: the scaling was most of a build's time. A changed
// photo has a new name. Entries are written whole (a temporary file
// renamed), so builds of several weeks or instances may share the folder.
// The zero value (no folder) keeps nothing. The cache only saves time:
// one that cannot be read or written (a full disk, a cache_dir that is
// not a folder) is reported to warn and the photos are scaled afresh; it
// never fails a build.
type photoCache struct {
	dir  string
	now  func() time.Time
	warn func(error) // nil: failures go unreported
}

// failed reports a failure of the cache to warn.
func (c photoCache) failed(err error) {
	if c.warn != nil {
		c.warn(fmt.Errorf("photo cache %s: %w (photos are scaled afresh; check [content] cache_dir)", c.dir, err))
	}
}

// cacheWarnings keeps the first photo cache failure of a build: a cache
// that fails, fails for every photo alike.
type cacheWarnings struct {
	mu    sync.Mutex
	first error
}

func (w *cacheWarnings) add(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.first == nil {
		w.first = err
	}
}

// all is the failure as the build's warnings: none, or one.
func (w *cacheWarnings) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.first == nil {
		return nil
	}
	return []string{w.first.Error()}
}

// photoKey names a copy: the source's digest and the copy's variant.
type photoKey struct {
	sum     string // hex SHA-256 of the source's bytes
	variant string // e.g. "web-1472x981-jpeg-q85"
}

func (k photoKey) name() string {
	return fmt.Sprintf("%s-%s-v%d", k.sum, k.variant, photoCacheVersion)
}

// sumFile is the hex SHA-256 of r's bytes.
func sumFile(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// enabled reports whether the cache keeps anything.
func (c photoCache) enabled() bool { return c.dir != "" }

// get puts the cached copy k at path and marks it used; false when the
// cache has no such copy (or could not give it). The copy is hard-linked where it can be: no
// bytes move, and the draft's fsync has nothing to write. Both names are
// only ever replaced whole, never written in place, so sharing is safe.
func (c photoCache) get(k photoKey, path string) bool {
	if !c.enabled() {
		return false
	}
	from := filepath.Join(c.dir, k.name())
	now := c.clock()
	// The touch comes first: a copy the sweep is about to remove is found
	// missing here, never linked and then removed.
	if err := os.Chtimes(from, now, now); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.failed(err)
		}
		return false
	}
	if err := os.Link(from, path); err == nil {
		return true
	}
	// Another file system, or one without hard links: copy.
	if err := copyFile(from, path); err != nil {
		_ = os.Remove(path)
		if !errors.Is(err, fs.ErrNotExist) {
			c.failed(err)
		}
		return false
	}
	return true
}

// put keeps the file at path, just written with data, as the copy k: a
// hard link where it can be, else a copy of data.
func (c photoCache) put(k photoKey, path string, data []byte) {
	if !c.enabled() {
		return
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		c.failed(err)
		return
	}
	final := filepath.Join(c.dir, k.name())
	tmp := filepath.Join(c.dir, ".tmp-"+rand.Text())
	err := os.Link(path, tmp)
	if err != nil {
		err = os.WriteFile(tmp, data, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, final)
	}
	if err != nil {
		_ = os.Remove(tmp)
		c.failed(err)
	}
}

// sweep removes copies no build has used for photoCacheTTL, and
// temporary files a killed build left behind.
func (c photoCache) sweep() {
	if !c.enabled() {
		return
	}
	entries, err := os.ReadDir(c.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		c.failed(err)
		return
	}
	cutoff := c.clock().Add(-photoCacheTTL)
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || e.IsDir() || info.ModTime().After(cutoff) {
			continue
		}
		// A temporary file is only stale once a build could no longer be
		// writing it: the same age as an unused copy is far past that.
		if strings.HasPrefix(e.Name(), ".tmp-") || !strings.HasPrefix(e.Name(), ".") {
			if err := os.Remove(filepath.Join(c.dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				c.failed(err)
			}
		}
	}
}

func (c photoCache) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}
