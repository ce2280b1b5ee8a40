package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestServeStopsWhenItsDatabaseVanishes: `folio serve` notices its SQLite
// file deleted (it checks the inode): /healthz fails and the process
// exits non-zero, naming the file; no empty database is made in its
// place.
func TestServeStopsWhenItsDatabaseVanishes(t *testing.T) {
	t.Parallel() // its own folder, store, relay and processes
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	if _, stderr, code := runBinary(t, "init", "--config", cfg); code != 0 {
		t.Fatalf("init: %s", stderr)
	}
	cmd := exec.Command(binary(t), "serve", "--config", cfg)
	cmd.Env = append(os.Environ(), "FOLIO_SERVER_LISTEN=127.0.0.1:0", "FOLIO_SCHEDULE_CATCH_UP=1s")
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() { _ = cmd.Process.Kill() }()
	addr := regexp.MustCompile(`http=(127\.0\.0\.1:\d+)`)
	var m []string
	for deadline := time.Now().Add(20 * time.Second); m == nil && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		m = addr.FindStringSubmatch(logs.String())
	}
	if m == nil {
		t.Fatalf("serve did not start:\n%s", logs.String())
	}
	health := func() int {
		resp, err := http.Get("http://" + m[1] + "/healthz")
		if err != nil {
			return 0
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	if code := health(); code != http.StatusOK {
		t.Fatalf("healthz %d before", code)
	}
	db := filepath.Join(dir, "folio.db")
	if err := os.Remove(db); err != nil {
		t.Fatal(err)
	}
	if code := health(); code != http.StatusServiceUnavailable {
		t.Errorf("healthz %d with the database gone, want 503", code)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Error("serve exited 0 after its database vanished")
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("serve kept running without its database:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "deleted or replaced") || !strings.Contains(logs.String(), db) {
		t.Errorf("the log does not say what happened:\n%s", logs.String())
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("a new database appeared: %v", err)
	}
}
