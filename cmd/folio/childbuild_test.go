package main

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// TestChildBuildReason: every way the runtime reports a child that hit
// its data limit reads as running out of memory, including cgo's failed
// thread creation (a crash in CI printed only that and "SIGABRT"); other
// crashes keep the runtime's first line.
func TestChildBuildReason(t *testing.T) {
	exit := exec.Command("sh", "-c", "exit 2").Run()
	var ee *exec.ExitError
	if !errors.As(exit, &ee) {
		t.Fatalf("exit 2: %v", exit)
	}
	const oom = "the build ran out of memory under its limit of 256 MiB"
	tests := []struct {
		name, stderr, want string
	}{
		{"heap", "fatal error: runtime: out of memory\n\ngoroutine 1 [running]:\n", oom},
		{"mmap", "fatal error: runtime: cannot allocate memory\n", oom},
		{"cgo thread", "runtime/cgo: pthread_create failed: Resource temporarily unavailable\nSIGABRT: abort\nPC=0x7f2025c34eec m=6\n", oom},
		{"go thread", "runtime: failed to create new OS thread (have 7 already; errno=12)\nfatal error: newosproc\n", oom},
		{"own error", "warning: x\nfolio: reviews/film/a.md:3: title: missing\n", "reviews/film/a.md:3: title: missing"},
		{"panic", "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\n", "exit status 2: panic: runtime error: index out of range"},
		{"silent", "", "exit status 2"},
	}
	b := &childBuilder{limitMB: 256}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := b.reason(exit, tt.stderr); !strings.HasPrefix(got, tt.want) {
				t.Errorf("reason = %q, want it to start with %q", got, tt.want)
			}
		})
	}
}
