package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds the real folio command once, for tests of exit status,
// stderr and signals.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "folio-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "folio")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = err
			t.Logf("%s", out)
		}
	})
	if binErr != nil {
		t.Fatalf("build folio: %v", binErr)
	}
	return binPath
}

func runBinary(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), "FOLIO_SECRET=")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

func TestBrokenInputFailsClearly(t *testing.T) {
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	salt := filepath.Join(dir, "reviews", "film", "the-salt-orchard.md")
	data, _ := os.ReadFile(salt)
	broken := strings.Replace(string(data), "\nrating: 4\n", "\nrating: 7\n", 1)
	if broken == string(data) {
		t.Fatal("sample review has no 'rating: 4' line to break")
	}
	if err := os.WriteFile(salt, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"broken review", []string{"build", "--week", sampleWeek}, []string{"the-salt-orchard.md:", "rating", "0 to 5"}},
		{"broken csv", []string{"members", "import", filepath.Join(dir, "members-broken.csv")},
			[]string{"members-broken.csv:3: email", "members-broken.csv:4: status", "members-broken.csv:5: email", "nothing imported"}},
		{"bad week", []string{"build", "--week", "2026-10"}, []string{"--week", "2026-10"}},
		{"missing config", []string{"build", "--config", filepath.Join(dir, "nope.toml")}, []string{"nope.toml", "no such file"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if !strings.Contains(strings.Join(args, " "), "--config") {
				args = append(args, "--config", cfg)
			}
			_, stderr, code := runBinary(t, args...)
			if code == 0 {
				t.Fatal("exit status 0")
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			last := lines[len(lines)-1]
			if !strings.HasPrefix(last, "folio: ") {
				t.Errorf("last stderr line %q", last)
			}
			for _, w := range tc.want {
				if !strings.Contains(last, w) {
					t.Errorf("error line %q does not contain %q", last, w)
				}
			}
		})
	}
	// Nothing of the broken CSV was imported: not even a database was
	// made.
	out, stderr, code := runBinary(t, "members", "list", "--config", cfg)
	if code == 0 || !strings.Contains(stderr, "no database at") {
		t.Errorf("after a failed import: code %d, %q %q", code, out, stderr)
	}
	// --skip-invalid builds the rest and says what it skipped.
	out, stderr, code = runBinary(t, "build", "--week", sampleWeek, "--skip-invalid", "--config", cfg)
	if code != 0 || !strings.Contains(stderr, "skipped broken review") || !strings.Contains(stderr, "the-salt-orchard.md") || !strings.Contains(out, "built "+sampleWeek) {
		t.Errorf("skip-invalid: code %d\n%s\n%s", code, out, stderr)
	}
}

func TestRunEmptyWeekSaysSo(t *testing.T) {
	dir := sample(t)
	if _, stderr, code := runBinary(t, "init", "--config", filepath.Join(dir, "folio.toml")); code != 0 {
		t.Fatalf("init: %s", stderr)
	}
	out, _, code := runBinary(t, "run", "--week", "2026-W30", "--config", filepath.Join(dir, "folio.toml"))
	if code != 0 || !strings.Contains(out, "no reviews in the week") {
		t.Errorf("code %d, out %q", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "issues", "2026-W30")); !os.IsNotExist(err) {
		t.Errorf("an empty week built a folder: %v", err)
	}
}

func TestServeStopsOnSIGTERM(t *testing.T) {
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	if _, stderr, code := runBinary(t, "init", "--config", cfg); code != 0 {
		t.Fatalf("init: %s", stderr)
	}
	cmd := exec.Command(binary(t), "serve", "--config", cfg)
	// Every minute, so the start-up catch-up wake finds a due run: the
	// current week, which has no reviews, so it finishes at once.
	cmd.Env = append(os.Environ(), "FOLIO_SCHEDULE_CRON=CRON_TZ=America/New_York * * * * *", "FOLIO_SERVER_LISTEN=127.0.0.1:0")
	var o, e syncBuffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(e.String(), "outcome=") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v\n%s", err, e.String())
		}
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("serve did not stop on SIGTERM")
	}
	logs := e.String()
	for _, want := range []string{"serving", "outcome=ran", "stopped"} {
		if !strings.Contains(logs, want) {
			t.Errorf("serve log lacks %q:\n%s", want, logs)
		}
	}
	if !strings.Contains(o.String(), "no reviews in the week") {
		t.Errorf("serve stdout: %q", o.String())
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
