package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestEditorsCommands: add reads the password from stdin and refuses a
// bad address, role or password before touching the store; list shows the
// account and its role; remove ends it. (One bcrypt hash at the real cost:
// seconds under -race.)
func TestEditorsCommands(t *testing.T) {
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	if out, errOut, err := folio(t, nil, "init", "--config", cfg); err != nil {
		t.Fatalf("init: %v\n%s%s", err, out, errOut)
	}
	add := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		cmd := newRootCmd(&out, &bytes.Buffer{}, nil)
		cmd.SetIn(strings.NewReader(stdin))
		cmd.SetArgs(append(append([]string{"editors", "add"}, args...), "--config", cfg))
		err := cmd.ExecuteContext(context.Background())
		return out.String(), err
	}
	for _, tc := range []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"a name with the address", "a long enough passphrase\n", []string{"Ann <ann@example.org>"}, "not a bare email address"},
		{"an unknown role", "a long enough passphrase\n", []string{"ann@example.org", "--role", "owner"}, "--role"},
		{"a short password", "short\n", []string{"ann@example.org"}, "at least 12 characters"},
		{"no password", "", []string{"ann@example.org"}, "no password"},
	} {
		if _, err := add(tc.stdin, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
	if out, err := add("a long enough passphrase\n", "ann@example.org", "--role", "admin"); err != nil || !strings.Contains(out, "added ann@example.org (admin)") {
		t.Fatalf("add: %q, %v", out, err)
	}
	out, _, err := folio(t, nil, "editors", "list", "--config", cfg)
	if err != nil || !strings.Contains(out, "ann@example.org") || !strings.Contains(out, "admin") || !strings.Contains(out, "1 editors") {
		t.Fatalf("list: %q, %v", out, err)
	}
	if out, _, err := folio(t, nil, "editors", "remove", "ann@example.org", "--config", cfg); err != nil || !strings.Contains(out, "removed") {
		t.Fatalf("remove: %q, %v", out, err)
	}
	if out, _, err := folio(t, nil, "editors", "list", "--config", cfg); err != nil || !strings.Contains(out, "0 editors") {
		t.Fatalf("list after remove: %q, %v", out, err)
	}
	if _, _, err := folio(t, nil, "editors", "remove", "ann@example.org", "--config", cfg); err == nil {
		t.Error("removing an unknown editor succeeded")
	}
}
