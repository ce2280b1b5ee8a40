package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseAge(t *testing.T) {
	for in, want := range map[string]time.Duration{"400d": 400 * 24 * time.Hour, "36h": 36 * time.Hour} {
		if got, err := parseAge(in); err != nil || got != want {
			t.Errorf("parseAge(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "d", "-3d", "0d", "400 days", "x"} {
		if _, err := parseAge(bad); err == nil {
			t.Errorf("parseAge(%q) took it", bad)
		}
	}
}

// TestPruneCommand: after a send, prune with an age the send is younger
// than removes nothing; the command says what it did.
func TestPruneCommand(t *testing.T) {
	t.Parallel() // its own folder, store, relay and processes
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	if _, _, err := folio(t, nil, "members", "import", filepath.Join(dir, "members.csv"), "--config", cfg); err != nil {
		t.Fatal(err)
	}
	if out, _, err := folio(t, nil, "send", "--week", sampleWeek, "--config", cfg); err != nil {
		t.Fatalf("send: %v\n%s", err, out)
	}
	out, _, err := folio(t, nil, "prune", "--older-than", "400d", "--config", cfg)
	if err != nil || !strings.Contains(out, "pruned 0 ledger rows of 0 issues") {
		t.Fatalf("prune: %v\n%s", err, out)
	}
	out, _, err = folio(t, nil, "prune", "--older-than", "1ms", "--config", cfg)
	if err != nil || !strings.Contains(out, "of 1 issues") || !strings.Contains(out, sampleWeek) {
		t.Fatalf("prune of everything: %v\n%s", err, out)
	}
	if _, _, err := folio(t, nil, "prune", "--config", cfg); err == nil || !strings.Contains(err.Error(), "older-than") {
		t.Errorf("prune without --older-than: %v", err)
	}
}
