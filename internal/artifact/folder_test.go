package artifact

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const week = "2026-W10"

func openFolder(t *testing.T, dir string) *Folder {
	t.Helper()
	f, err := OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// publish builds a draft of week holding files and publishes it.
func publish(t *testing.T, f *Folder, files map[string]string) error {
	t.Helper()
	d, err := f.Begin(context.Background(), week)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := writeFiles(d.Dir, files); err != nil {
		return err
	}
	return d.Publish(context.Background())
}

func writeFiles(dir string, files map[string]string) error {
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func issueFiles(version string) map[string]string {
	return map[string]string{ManifestFile: `{"v":"` + version + `"}`, "index.html": "<p>" + version, "images/a.jpg": version}
}

// readIssue reads week's files back through Open.
func readIssue(t *testing.T, f *Folder) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range []string{ManifestFile, "index.html", "images/a.jpg"} {
		file, err := f.Open(context.Background(), week, name)
		if err != nil {
			t.Fatalf("open %s: %v", name, err)
		}
		data, _ := io.ReadAll(file)
		_ = file.Close()
		out[name] = string(data)
	}
	return out
}

// leftovers lists what is in dir besides the week's folder and its lock.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if n := e.Name(); n != week && n != "."+week+".lock" {
			out = append(out, n)
		}
	}
	return out
}

func TestPublishSwapsWhole(t *testing.T) {
	dir := t.TempDir()
	f := openFolder(t, dir)
	if _, err := f.Local(context.Background(), week); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Local before a build: %v", err)
	}
	for _, v := range []string{"v1", "v2"} {
		if err := publish(t, f, issueFiles(v)); err != nil {
			t.Fatal(err)
		}
		if got := readIssue(t, f); got["index.html"] != "<p>"+v || got["images/a.jpg"] != v {
			t.Fatalf("after publishing %s: %v", v, got)
		}
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left beside the issue: %v", l)
	}
	if p, err := f.Local(context.Background(), week); err != nil || p != filepath.Join(dir, week) {
		t.Errorf("Local = %q, %v", p, err)
	}
	fi, err := os.Stat(filepath.Join(dir, week))
	if err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("issue folder mode %v, %v", fi.Mode(), err)
	}
}

// TestFailedSwapKeepsTheOldIssue: the exchange is injected to fail, as a
// rename can (EIO, EXDEV after a mount change): the old issue stays whole
// and the draft is cleaned up.
func TestFailedSwapKeepsTheOldIssue(t *testing.T) {
	for _, fault := range []error{syscall.EIO, syscall.ENOSPC, syscall.EXDEV} {
		t.Run(fault.Error(), func(t *testing.T) {
			dir := t.TempDir()
			f := openFolder(t, dir)
			if err := publish(t, f, issueFiles("v1")); err != nil {
				t.Fatal(err)
			}
			f.exchange = func(a, b string) error { return &os.LinkError{Op: "renameat2", Old: a, New: b, Err: fault} }
			err := publish(t, f, issueFiles("v2"))
			if !errors.Is(err, fault) {
				t.Fatalf("publish with a failing rename: %v", err)
			}
			if got := readIssue(t, f); got["index.html"] != "<p>v1" {
				t.Errorf("old issue damaged: %v", got)
			}
			if l := leftovers(t, dir); len(l) > 0 {
				t.Errorf("left beside the issue: %v", l)
			}
		})
	}
}

// TestRenameFallbackKeepsTheOldIssue: on a file system without
// RENAME_EXCHANGE the swap is two renames; when the second fails the
// first is undone.
func TestRenameFallbackKeepsTheOldIssue(t *testing.T) {
	dir := t.TempDir()
	f := openFolder(t, dir)
	if err := publish(t, f, issueFiles("v1")); err != nil {
		t.Fatal(err)
	}
	f.exchange = func(string, string) error { return syscall.EINVAL }
	if err := publish(t, f, issueFiles("v2")); err != nil {
		t.Fatal(err)
	}
	if got := readIssue(t, f); got["index.html"] != "<p>v2" {
		t.Errorf("fallback swap: %v", got)
	}
	// The second rename fails: the draft's folder is gone, so the first
	// is undone.
	d, err := f.Begin(context.Background(), week)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(d.Dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(d.Dir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := swapByRenames(d.Dir+"-missing", filepath.Join(dir, week)); err == nil {
		t.Fatal("swap from a missing draft succeeded")
	}
	_ = d.Close()
	if got := readIssue(t, f); got["index.html"] != "<p>v2" {
		t.Errorf("failed fallback swap lost the issue: %v", got)
	}
}

// TestDiskFullKeepsTheOldIssue fills a small tmpfs while a rebuild
// writes its draft: the build fails, the old issue is whole, and no draft
// is left to fill the disk further. Where the test cannot mount a tmpfs
// (not root), ENOSPC is injected into the swap instead.
func TestDiskFullKeepsTheOldIssue(t *testing.T) {
	dir := t.TempDir()
	mounted := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).Run() == nil
	if mounted {
		t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	}
	f := openFolder(t, dir)
	if err := publish(t, f, issueFiles("v1")); err != nil {
		t.Fatal(err)
	}
	big := issueFiles("v2")
	if mounted {
		big["issue.pdf"] = strings.Repeat("%PDF", 512<<10) // 2 MiB into 1 MiB
	} else {
		t.Log("no tmpfs (mount refused): injecting ENOSPC")
		f.exchange = func(string, string) error { return syscall.ENOSPC }
	}
	err := publish(t, f, big)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("rebuild on a full disk: %v", err)
	}
	if got := readIssue(t, f); got["index.html"] != "<p>v1" {
		t.Errorf("old issue damaged: %v", got)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left beside the issue: %v", l)
	}
	// With room again, the rebuild goes through.
	if err := publish(t, f, issueFiles("v3")); err != nil {
		t.Fatal(err)
	}
	if got := readIssue(t, f); got["index.html"] != "<p>v3" {
		t.Errorf("after the disk freed: %v", got)
	}
}

// TestBuildsOfOneWeekQueue: a second build of the week waits for the
// first instead of failing or interleaving.
func TestBuildsOfOneWeekQueue(t *testing.T) {
	dir := t.TempDir()
	f := openFolder(t, dir)
	g := openFolder(t, dir) // as a second process would
	g.poll = 5 * time.Millisecond
	first, err := f.Begin(context.Background(), week)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var order []string
	note := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
	done := make(chan error)
	go func() {
		second, err := g.Begin(context.Background(), week)
		if err != nil {
			done <- err
			return
		}
		note("second began")
		err = writeFiles(second.Dir, issueFiles("v2"))
		if err == nil {
			err = second.Publish(context.Background())
		}
		done <- errors.Join(err, second.Close())
	}()
	time.Sleep(100 * time.Millisecond)
	if err := writeFiles(first.Dir, issueFiles("v1")); err != nil {
		t.Fatal(err)
	}
	if err := first.Publish(context.Background()); err != nil {
		t.Fatal(err)
	}
	note("first published")
	_ = first.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if strings.Join(order, ",") != "first published,second began" {
		t.Errorf("order %v: the second build did not wait", order)
	}
	if got := readIssue(t, f); got["index.html"] != "<p>v2" {
		t.Errorf("last build did not win: %v", got)
	}
	// A build that gives up waiting says why.
	held, err := f.Begin(context.Background(), week)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := g.Begin(ctx, week); err == nil || !strings.Contains(err.Error(), "waiting for another build of 2026-W10") {
		t.Errorf("Begin under a held lock: %v", err)
	}
}

// TestLeftoversAreSwept: drafts a killed build left are removed by the
// next build — of the same week, or of another week whose lock is free —
// but a draft of a build still running is not.
func TestLeftoversAreSwept(t *testing.T) {
	dir := t.TempDir()
	f := openFolder(t, dir)
	for _, name := range []string{".2026-W10.tmp-111", ".2026-W09.tmp-222", ".2026-W08.tmp-333"} {
		if err := writeFiles(filepath.Join(dir, name), issueFiles("dead")); err != nil {
			t.Fatal(err)
		}
	}
	running, err := openFolder(t, dir).lock(context.Background(), "2026-W08", false)
	if err != nil {
		t.Fatal(err)
	}
	defer running.Close()
	if err := publish(t, f, issueFiles("v1")); err != nil {
		t.Fatal(err)
	}
	var drafts []string
	for _, n := range leftovers(t, dir) {
		if strings.Contains(n, ".tmp-") {
			drafts = append(drafts, n)
		}
	}
	if strings.Join(drafts, ",") != ".2026-W08.tmp-333" {
		t.Errorf("drafts left: %v (want only the running build's)", drafts)
	}
}

func TestOpenRefusesOutsideNames(t *testing.T) {
	dir := t.TempDir()
	f := openFolder(t, dir)
	if err := publish(t, f, issueFiles("v1")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "secret.txt"), filepath.Join(dir, week, "images", "link.jpg")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, week, "images", "out.jpg")); err != nil {
		t.Fatal(err)
	}
	for _, c := range [][2]string{
		{week, "../secret.txt"}, {"..", "secret.txt"}, {week, "images"}, {week, "/etc/passwd"},
		{"2026-W10/..", "secret.txt"}, {week, "images/out.jpg"}, {week, ".2026-W10.lock"}, {"2026-w10", "index.html"},
	} {
		if file, err := f.Open(context.Background(), c[0], c[1]); err == nil {
			_ = file.Close()
			t.Errorf("Open(%q, %q) succeeded", c[0], c[1])
		} else if !errors.Is(err, ErrNotFound) && c[1] != "images/out.jpg" {
			t.Errorf("Open(%q, %q) = %v, want ErrNotFound", c[0], c[1], err)
		}
	}
}
