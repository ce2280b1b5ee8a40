package store_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/artifact"
	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

const issueWeek = "2026-W10"

// instance is one Folio instance on a shared database: its own store
// connection and its own local cache folder, no disk shared with others.
func instance(t *testing.T, target string) *store.IssueFiles {
	t.Helper()
	s, err := store.Open(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	f, err := s.IssueFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func issueVersion(v string) map[string]string {
	return map[string]string{artifact.ManifestFile: `{"v":"` + v + `"}`, "index.html": "<p>" + v, "issue.pdf": "%PDF-" + v, "images/lead.jpg": "\xff\xd8" + v}
}

// publishIssue builds a draft of files and publishes it.
func publishIssue(t *testing.T, f *store.IssueFiles, files map[string]string) error {
	t.Helper()
	d, err := f.Begin(context.Background(), issueWeek)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = d.Close() }()
	for name, body := range files {
		p := filepath.Join(d.Dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return d.Publish(context.Background())
}

// served reads every file of the week's issue through Open.
func served(t *testing.T, f *store.IssueFiles) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name := range issueVersion("") {
		file, err := f.Open(context.Background(), issueWeek, name)
		if err != nil {
			t.Fatalf("open %s: %v", name, err)
		}
		data, _ := io.ReadAll(file)
		if fi, err := file.Stat(); err != nil || fi.Size() != int64(len(data)) {
			t.Errorf("stat %s: %v %v", name, fi, err)
		}
		_ = file.Close()
		out[name] = string(data)
	}
	return out
}

// local reads every file of the folder Local returns.
func local(t *testing.T, f *store.IssueFiles) (string, map[string]string) {
	t.Helper()
	dir, err := f.Local(context.Background(), issueWeek)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for name := range issueVersion("") {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = string(data)
	}
	return dir, out
}

func same(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestIssueFilesInTheDatabase: an issue published by one instance is
// served and fetched whole by another that never built it and shares no
// disk with it; a rebuild replaces it whole; a failed or abandoned draft
// changes nothing.
func TestIssueFilesInTheDatabase(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			target := storetest.Target(t, engine)
			a, b := instance(t, target), instance(t, target)
			ctx := context.Background()
			if _, err := b.Local(ctx, issueWeek); !errors.Is(err, artifact.ErrNotFound) {
				t.Fatalf("Local before any build: %v", err)
			}
			if _, err := b.Open(ctx, issueWeek, "index.html"); !errors.Is(err, artifact.ErrNotFound) {
				t.Fatalf("Open before any build: %v", err)
			}
			v1 := issueVersion("v1")
			if err := publishIssue(t, a, v1); err != nil {
				t.Fatal(err)
			}
			if got := served(t, b); !same(got, v1) {
				t.Errorf("instance b serves %v, want %v", got, v1)
			}
			dir1, got := local(t, b)
			if !same(got, v1) {
				t.Errorf("instance b fetched %v", got)
			}
			if weeks, err := b.Weeks(ctx); err != nil || strings.Join(weeks, ",") != issueWeek {
				t.Errorf("weeks %v %v", weeks, err)
			}
			// b rebuilds: a sees the new issue, whole, and its next Local
			// is the new generation.
			v2 := issueVersion("v2")
			if err := publishIssue(t, b, v2); err != nil {
				t.Fatal(err)
			}
			if got := served(t, a); !same(got, v2) {
				t.Errorf("after the rebuild a serves %v", got)
			}
			dir2, got := local(t, b)
			if !same(got, v2) || dir2 == dir1 {
				t.Errorf("after the rebuild b's local copy is %s %v", dir2, got)
			}
			if _, err := os.Stat(dir1); !os.IsNotExist(err) {
				t.Errorf("the old generation's copy %s is still there", dir1)
			}
			// A draft that cannot be published (a hidden file is not an
			// issue file) leaves the issue as it was.
			bad := issueVersion("v3")
			bad[".secret"] = "x"
			if err := publishIssue(t, a, bad); err == nil {
				t.Fatal("a draft with a hidden file was published")
			}
			if got := served(t, b); !same(got, v2) {
				t.Errorf("after a failed publish b serves %v", got)
			}
			for _, name := range []string{"../index.html", "images/../index.html", "/etc/passwd", ".secret"} {
				if _, err := a.Open(ctx, issueWeek, name); !errors.Is(err, artifact.ErrNotFound) {
					t.Errorf("Open(%q) = %v, want not found", name, err)
				}
			}
		})
	}
}

// TestIssueFilesBuildsQueue: two instances building the same week take
// turns on the database's lock.
func TestIssueFilesBuildsQueue(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			target := storetest.Target(t, engine)
			a, b := instance(t, target), instance(t, target)
			first, err := a.Begin(context.Background(), issueWeek)
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var order []string
			note := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
			done := make(chan error, 1)
			go func() {
				d, err := b.Begin(context.Background(), issueWeek)
				if err == nil {
					note("second began")
					err = d.Close()
				}
				done <- err
			}()
			time.Sleep(150 * time.Millisecond)
			note("first closed")
			if err := first.Close(); err != nil {
				t.Fatal(err)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if strings.Join(order, ",") != "first closed,second began" {
				t.Errorf("order %v: the second build did not wait", order)
			}
			held, err := a.Begin(context.Background(), issueWeek)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = held.Close() }()
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			if _, err := b.Begin(ctx, issueWeek); err == nil || !strings.Contains(err.Error(), "waiting for another build of 2026-W10") {
				t.Errorf("Begin under a held lock: %v", err)
			}
		})
	}
}

// TestNoteIssue: noting an issue records it once and never moves its
// build time; a recorded build is kept.
func TestNoteIssue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t0 := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
		if err := s.NoteIssue(ctx, issueWeek, t0); err != nil {
			t.Fatal(err)
		}
		if err := s.NoteIssue(ctx, issueWeek, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		is, err := s.Issues(ctx)
		if err != nil || len(is) != 1 || !is[0].BuiltAt.Equal(t0) {
			t.Fatalf("issues %+v %v", is, err)
		}
	})
}
