package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/foliopress/folio/internal/publish"
	"github.com/foliopress/folio/issue"
)

// childBuilder runs each build as a child `folio build` process, which
// bounds itself to [build] memory_limit_mb before it reads a review. A
// photo or review that gets past the limits and exhausts the child's
// memory kills the child alone: serve reports the failed build and keeps
// serving. It implements publish.Runner.
type childBuilder struct {
	exe        string   // the folio binary
	configPath string   // the config serve runs with
	environ    []string // serve's environment (overrides, secrets)
	limitMB    int      // for the error message
	// warn hears the child's warnings and skipped reviews, one per line.
	warn func(line string)
}

// BuildWeek builds week in a child process and waits for it.
func (b *childBuilder) BuildWeek(ctx context.Context, week issue.Week, skipInvalid bool) error {
	args := []string{"build", "--week", week.String(), "--config", b.configPath}
	if skipInvalid {
		args = append(args, "--skip-invalid")
	}
	cmd := exec.CommandContext(ctx, b.exe, args...)
	cmd.Env = b.environ
	// Stopping serve stops the build the way Ctrl-C would; a build that
	// does not stop within the delay is killed, and the draft it leaves is
	// removed by the next build of the week.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &capped{b: &stdout, max: 64 << 10}
	cmd.Stderr = &capped{b: &stderr, max: 256 << 10}
	err := cmd.Run()
	for _, line := range strings.Split(stderr.String(), "\n") {
		if b.warn != nil && (strings.HasPrefix(line, "warning: ") || strings.HasPrefix(line, "skipped broken review: ")) {
			b.warn(line)
		}
	}
	if err == nil {
		if strings.Contains(stdout.String(), "no reviews in the week") {
			return fmt.Errorf("%w %s", publish.ErrEmptyWeek, week)
		}
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("build %s: stopped: %w", week, ctx.Err())
	}
	return fmt.Errorf("build %s (child process %s): %s", week, b.exe, b.reason(err, stderr.String()))
}

// reason says why the child failed: its own one-line error, that it ran
// out of memory or was killed, or the runtime's first line of a crash.
func (b *childBuilder) reason(err error, stderr string) string {
	// What the Go runtime and cgo print when a process under RLIMIT_DATA
	// cannot map more: a heap allocation, or a new thread's stack (which
	// cgo reports as EAGAIN).
	outOfMemory := []string{"out of memory", "cannot allocate memory", "pthread_create failed", "failed to create new OS thread"}
	if slices.ContainsFunc(outOfMemory, func(s string) bool { return strings.Contains(stderr, s) }) {
		return fmt.Sprintf("the build ran out of memory under its limit of %d MiB ([build] memory_limit_mb) and was stopped; serve is unaffected", b.limitMB)
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return fmt.Sprintf("the build was killed by %s", ws.Signal())
		}
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if msg, ok := strings.CutPrefix(lines[i], "folio: "); ok {
			return msg
		}
	}
	for _, line := range lines {
		if strings.HasPrefix(line, "fatal error: ") || strings.HasPrefix(line, "panic: ") {
			return fmt.Sprintf("%v: %s", err, line)
		}
	}
	return err.Error()
}

// capped keeps the first max bytes written to it and drops the rest, so
// a child cannot fill serve's memory through its output.
type capped struct {
	b   *bytes.Buffer
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.b.Len(); room > 0 {
		c.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
