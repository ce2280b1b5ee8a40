package publish

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/newsletter"
)

// writeJPEG writes a w×h JPEG whose pixels depend on shade.
func writeJPEG(t *testing.T, path string, w, h int, shade uint8) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x) ^ shade, uint8(y), shade, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// cacheEntries lists the cache's copies by variant prefix ("web", "email").
func cacheEntries(t *testing.T, dir string) map[string][]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, e := range entries {
		_, rest, _ := strings.Cut(e.Name(), "-")
		kind, _, _ := strings.Cut(rest, "-")
		out[kind] = append(out[kind], e.Name())
	}
	return out
}

// TestRebuildTakesScaledPhotosFromCache: the first build scales a wide
// photo and keeps its web and email copies in the cache; a rebuild takes
// them from there (shown by swapping the cached web copy for a marker
// image, which the rebuild then publishes); a changed photo is scaled
// afresh under a new key.
func TestRebuildTakesScaledPhotosFromCache(t *testing.T) {
	dir := t.TempDir()
	photo := filepath.Join(dir, "wide.jpg")
	writeJPEG(t, photo, 2000, 1000, 0)
	review := "---\ntitle: A Wide View\nsection: Film\npublished: 2026-03-03\nphoto:\n  file: wide.jpg\n---\nA fine body.\n"
	if err := os.WriteFile(filepath.Join(dir, "wide.md"), []byte(review), 0o644); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(t.TempDir(), "photos")
	b := newBuilder(t, dir)
	b.PhotoCache = cache
	build := func() (web, email []byte) {
		t.Helper()
		built, err := b.Build(context.Background(), week10, false)
		if err != nil {
			t.Fatal(err)
		}
		r := built.Issue.Reviews()[0]
		images := filepath.Join(built.Dir, issue.ImagesDir)
		web, err = os.ReadFile(filepath.Join(images, issue.PhotoFile(r)))
		if err != nil {
			t.Fatal(err)
		}
		emailName, width := newsletter.EmailPhoto(built.Issue, r)
		if width == 0 {
			t.Fatalf("the email takes the %d px photo as it is", r.Photo.Width)
		}
		email, err = os.ReadFile(filepath.Join(images, emailName))
		if err != nil {
			t.Fatal(err)
		}
		return web, email
	}

	web1, email1 := build()
	got := cacheEntries(t, cache)
	if len(got["web"]) != 1 || len(got["email"]) != 1 || len(got) != 2 {
		t.Fatalf("cache after the first build: %v, want one web and one email copy", got)
	}
	cachedWeb := filepath.Join(cache, got["web"][0])
	if data, err := os.ReadFile(cachedWeb); err != nil || !bytes.Equal(data, web1) {
		t.Fatalf("the cached web copy differs from the published one (%v)", err)
	}

	// Replaced whole, as the cache itself writes: the published file may
	// share the cached one's inode.
	marker := filepath.Join(t.TempDir(), "marker.jpg")
	writeJPEG(t, marker, 1472, 736, 99)
	if err := os.Rename(marker, cachedWeb); err != nil {
		t.Fatal(err)
	}
	markerData, err := os.ReadFile(cachedWeb)
	if err != nil {
		t.Fatal(err)
	}
	web2, email2 := build()
	if !bytes.Equal(web2, markerData) {
		t.Error("the rebuild scaled the photo again instead of taking the cached copy")
	}
	if !bytes.Equal(email2, email1) {
		t.Error("the rebuild's email copy differs from the first build's")
	}

	writeJPEG(t, photo, 2000, 1000, 200)
	web3, _ := build()
	if bytes.Equal(web3, markerData) || bytes.Equal(web3, web1) {
		t.Error("a changed photo was published from the cache of the old one")
	}
	if got := cacheEntries(t, cache); len(got["web"]) != 2 || len(got["email"]) != 2 {
		t.Errorf("cache after the photo changed: %v, want two of each", got)
	}
}

// TestPhotoCacheSweep: a copy no build used for photoCacheTTL is
// removed, with a temporary file a killed build left; a copy a build
// used is kept, however old it was.
func TestPhotoCacheSweep(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	c := photoCache{dir: dir, now: func() time.Time { return now }}
	old := now.Add(-photoCacheTTL - time.Hour)
	files := map[string]time.Time{
		"aaaa-web-10x10-jpeg-q85-v1":   old,
		"bbbb-web-10x10-jpeg-q85-v1":   now.Add(-time.Hour),
		"cccc-email-368-q85-v1":        old,
		".tmp-ABCDEF":                  old,
		".tmp-GHIJKL":                  now,
		"dddd-email-368-q85-v1":        old,
		"unrelated-note-the-user-left": now,
	}
	for name, mtime := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	// A build uses dddd's copy: it is touched, so the sweep keeps it.
	used := filepath.Join(t.TempDir(), "used.jpg")
	if !c.get(photoKey{sum: "dddd", variant: "email-368-q85"}, used) {
		t.Fatal("get of a cached copy missed")
	}
	c.sweep()
	for name := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		gone := os.IsNotExist(err)
		wantGone := name == "aaaa-web-10x10-jpeg-q85-v1" || name == "cccc-email-368-q85-v1" || name == ".tmp-ABCDEF"
		if gone != wantGone {
			t.Errorf("%s: removed %v, want %v", name, gone, wantGone)
		}
	}
	if c.get(photoKey{sum: "aaaa", variant: "web-10x10-jpeg-q85"}, filepath.Join(t.TempDir(), "x")) {
		t.Error("get of a swept copy hit")
	}
}

// TestBrokenPhotoCacheOnlyWarns: a cache_dir that cannot hold the cache
// (here a file where the folder should be) costs the build its speed, not
// its photos: it succeeds, publishes the scaled copies, and warns once.
func TestBrokenPhotoCacheOnlyWarns(t *testing.T) {
	dir := t.TempDir()
	writeJPEG(t, filepath.Join(dir, "wide.jpg"), 2000, 1000, 0)
	writeJPEG(t, filepath.Join(dir, "wider.jpg"), 2400, 1000, 50)
	for i, name := range []string{"wide", "wider"} {
		review := fmt.Sprintf("---\ntitle: View %d\nsection: Film\npublished: 2026-03-0%d\nphoto:\n  file: %s.jpg\n---\nA fine body.\n", i, i+3, name)
		if err := os.WriteFile(filepath.Join(dir, name+".md"), []byte(review), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	notAFolder := filepath.Join(t.TempDir(), "cache")
	if err := os.WriteFile(notAFolder, []byte("a file"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := newBuilder(t, dir)
	b.PhotoCache = filepath.Join(notAFolder, "photos")
	built, err := b.Build(context.Background(), week10, false)
	if err != nil {
		t.Fatalf("a broken cache failed the build: %v", err)
	}
	for _, r := range built.Issue.Reviews() {
		data, err := os.ReadFile(filepath.Join(built.Dir, issue.ImagesDir, issue.PhotoFile(r)))
		if err != nil {
			t.Fatal(err)
		}
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err != nil || cfg.Width != webMaxWidth {
			t.Errorf("%s published %d px wide (%v), want %d", r.Source, cfg.Width, err, webMaxWidth)
		}
	}
	var warned []string
	for _, w := range built.Warnings {
		if strings.Contains(w, "photo cache") {
			warned = append(warned, w)
		}
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "cache_dir") {
		t.Errorf("warnings %q, want one about the photo cache naming cache_dir", built.Warnings)
	}
}
