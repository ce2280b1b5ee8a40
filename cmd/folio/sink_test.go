package main

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/postfixtest"
)

// sinkDump is Postfix's smtp-sink writing each mail transaction it
// accepted (after the final dot; an aborted one leaves nothing) to a file
// of its own: the crash test's relay, counted and read back from the
// files.
type sinkDump struct {
	Host string
	Port int
	dir  string
}

// sinkMessage is one accepted transaction.
type sinkMessage struct{ To, MessageID string }

func startSinkDump(t testing.TB) *sinkDump {
	t.Helper()
	// Not t.TempDir: smtp-sink drops to nobody, who must write here.
	dir, err := os.MkdirTemp("", "folio-sink-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	s := &sinkDump{Host: "127.0.0.1", Port: postfixtest.FreePort(t), dir: dir}
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	var args []string
	if os.Geteuid() == 0 {
		args = append(args, "-u", "nobody")
	}
	// A file a second and a random suffix: names cannot collide.
	args = append(args, "-d", filepath.Join(dir, "%H%M%S."), addr, "256")
	cmd := exec.Command("smtp-sink", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("smtp-sink (apt-get install postfix): %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() && stderr.Len() > 0 {
			t.Logf("smtp-sink: %s", stderr.String())
		}
	})
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("smtp-sink does not listen on %s: %v\n%s", addr, err, stderr.String())
		}
	}
}

// Count is how many transactions the sink has taken so far.
func (s *sinkDump) Count() int {
	f, err := os.Open(s.dir)
	if err != nil {
		return 0
	}
	defer f.Close()
	names, _ := f.Readdirnames(-1)
	return len(names)
}

// Messages reads every accepted transaction back: its recipient (from
// the dump's X-Rcpt-Args line) and its Message-ID.
func (s *sinkDump) Messages(t testing.TB) []sinkMessage {
	t.Helper()
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]sinkMessage, 0, len(entries))
	for _, e := range entries {
		f, err := os.Open(filepath.Join(s.dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		var m sinkMessage
		sc := bufio.NewScanner(f)
		for sc.Scan() && (m.To == "" || m.MessageID == "") {
			line := sc.Text()
			if line == "" {
				break // the end of the headers
			}
			if v, ok := strings.CutPrefix(line, "X-Rcpt-Args: "); ok {
				m.To = strings.Trim(strings.Fields(v)[0], "<>")
			} else if v, ok := cutHeader(line, "Message-ID"); ok {
				m.MessageID = strings.Trim(v, "<> ")
			}
		}
		if err := errors.Join(sc.Err(), f.Close()); err != nil {
			t.Fatal(err)
		}
		if m.To == "" || m.MessageID == "" {
			t.Fatalf("smtp-sink dump %s: no recipient or Message-ID", e.Name())
		}
		out = append(out, m)
	}
	return out
}

func cutHeader(line, name string) (string, bool) {
	k, v, ok := strings.Cut(line, ":")
	if !ok || !strings.EqualFold(k, name) {
		return "", false
	}
	return strings.TrimSpace(v), true
}
