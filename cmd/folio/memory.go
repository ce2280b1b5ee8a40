package main

import (
	"fmt"
	"runtime/debug"

	"golang.org/x/sys/unix"
)

// boundMemory bounds this process to mb MiB before it builds: RLIMIT_DATA
// (what Go maps writable: heap and stacks; unlike RLIMIT_AS it leaves the
// runtime's address-space reservations alone) makes an allocation past the
// bound fail inside this process — Go then stops with "fatal error: out of
// memory" — instead of the machine's OOM killer picking a victim, which may
// be serve. The garbage collector aims at three quarters of it, so a build
// that fits collects harder before it gets near. A lower limit already in
// force (prlimit, systemd's LimitDATA=) is kept; zero bounds nothing.
func boundMemory(mb int) error {
	if mb <= 0 {
		return nil
	}
	want := uint64(mb) << 20
	var cur unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_DATA, &cur); err != nil {
		return fmt.Errorf("read the data limit: %w", err)
	}
	limit := min(want, cur.Cur, cur.Max)
	if limit < cur.Cur {
		if err := unix.Setrlimit(unix.RLIMIT_DATA, &unix.Rlimit{Cur: limit, Max: cur.Max}); err != nil {
			return fmt.Errorf("set the data limit to %d MiB: %w", mb, err)
		}
	}
	debug.SetMemoryLimit(int64(limit / 4 * 3))
	return nil
}
