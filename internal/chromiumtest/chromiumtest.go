// Package chromiumtest starts headless Chromium for the tests that look at
// pages in a real browser. Chromium is required (.ci/run installs it): a
// missing one fails the test, never skips it.
package chromiumtest

import (
	"context"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// Path is Debian's Chromium.
const Path = "/usr/bin/chromium"

// Command returns headless Chromium, not yet started, killed when ctx
// ends, with args after the common flags and a profile folder of its own
// (also returned). The test's cleanup kills it
// with its helper processes (it runs in its own process group), waits for
// it if the caller did not, and removes the profile. The profile is not
// t.TempDir: the helpers can still be writing it for a moment after the
// browser exits, and a folder that will not empty must not fail the test.
func Command(ctx context.Context, t testing.TB, args ...string) (cmd *exec.Cmd, profile string) {
	t.Helper()
	if _, err := os.Stat(Path); err != nil {
		t.Fatalf("headless Chromium is required at %s (apt-get install chromium): %v", Path, err)
	}
	dir, err := os.MkdirTemp("", "folio-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	profile = dir
	cmd = exec.CommandContext(ctx, Path, append([]string{"--headless", "--no-sandbox", "--disable-gpu",
		"--no-first-run", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--user-data-dir=" + profile}, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	t.Cleanup(func() {
		if cmd.Process != nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			if cmd.ProcessState == nil {
				_ = cmd.Wait()
			}
		}
		for range 40 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	return cmd, profile
}
