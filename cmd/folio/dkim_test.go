package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/foliopress/folio/internal/dkimtest"
)

// zoneRecord reads the TXT record out of keygen's zone-file line.
var zoneRecord = regexp.MustCompile(`(\S+)\._domainkey\.(\S+)\. IN TXT \( (.*) \)`)

// keygen runs `folio dkim keygen` and returns the published record.
func keygen(t *testing.T, cfg string, args ...string) (name, record string) {
	t.Helper()
	out, stderr, err := folio(t, nil, append([]string{"dkim", "keygen", "--config", cfg}, args...)...)
	if err != nil {
		t.Fatalf("keygen %v: %v\n%s", args, err, stderr)
	}
	m := zoneRecord.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("keygen printed no TXT record:\n%s", out)
	}
	var parts []string
	for _, q := range regexp.MustCompile(`"([^"]*)"`).FindAllStringSubmatch(m[3], -1) {
		parts = append(parts, q[1])
	}
	return m[1] + "._domainkey." + m[2], strings.Join(parts, "")
}

// TestDKIMFromConfigVerifies: `folio dkim keygen` writes an RSA and an
// Ed25519 key and prints their TXT records; with both under [[dkim.keys]]
// and no [dkim] domain, every member's message carries two signatures
// for d= the From address's domain (weekly.example.org, not the raw
// "weekly.example.org>") that dkimpy and OpenDKIM accept against the
// records keygen printed. The older single selector/key_file form still
// signs; mixing the forms is refused by name.
func TestDKIMFromConfigVerifies(t *testing.T) {
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	records := map[string]string{}
	rsaName, rsaRec := keygen(t, cfg, "--selector", "rsa2026")
	edName, edRec := keygen(t, cfg, "--selector", "ed2026", "--algorithm", "ed25519")
	records[rsaName], records[edName] = rsaRec, edRec
	if rsaName != "rsa2026._domainkey.weekly.example.org" || !strings.HasPrefix(rsaRec, "v=DKIM1; k=rsa; p=") ||
		!strings.HasPrefix(edRec, "v=DKIM1; k=ed25519; p=") {
		t.Fatalf("records %v", records)
	}
	if fi, err := os.Stat(filepath.Join(dir, "dkim-rsa2026.pem")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	if _, _, err := folio(t, nil, "dkim", "keygen", "--config", cfg, "--selector", "rsa2026"); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("keygen over an existing key: %v", err)
	}

	base, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	writeConfig := func(extra string) {
		t.Helper()
		if err := os.WriteFile(cfg, append(append([]byte(nil), base...), extra...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dryRun := func(name string) []byte {
		t.Helper()
		out := filepath.Join(dir, name)
		if _, stderr, err := folio(t, nil, "send", "--week", sampleWeek, "--dry-run", "--dry-run-dir", out, "--config", cfg); err != nil {
			t.Fatalf("dry run: %v\n%s", err, stderr)
		}
		files, _ := filepath.Glob(filepath.Join(out, "*.eml"))
		if len(files) == 0 {
			t.Fatal("dry run wrote no messages")
		}
		data, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	if _, _, err := folio(t, nil, "members", "import", filepath.Join(dir, "members.csv"), "--config", cfg); err != nil {
		t.Fatal(err)
	}

	writeConfig("\n[[dkim.keys]]\nselector = \"rsa2026\"\nkey_file = \"dkim-rsa2026.pem\"\n" +
		"\n[[dkim.keys]]\nselector = \"ed2026\"\nkey_file = \"dkim-ed2026.pem\"\n")
	msg := dryRun("both")
	if !regexp.MustCompile(`^Return-Path: <bounces\+[a-z2-7]+@[a-z.]*weekly\.example\.org>\r\n`).Match(msg) {
		t.Errorf("the message does not carry the member's VERP envelope sender as Return-Path: %.90q", msg)
	}
	vs := dkimtest.Dkimpy(t, msg, records)
	if len(vs) != 2 {
		t.Fatalf("%d signatures, want 2", len(vs))
	}
	for _, v := range vs {
		if !v.OK || v.Domain != "weekly.example.org" {
			t.Errorf("dkimpy: %+v", v)
		}
	}
	if err := dkimtest.OpenDKIM(t, msg, records); err != nil {
		t.Errorf("OpenDKIM: %v", err)
	}

	writeConfig("\n[dkim]\nselector = \"rsa2026\"\nkey_file = \"dkim-rsa2026.pem\"\n")
	vs = dkimtest.Dkimpy(t, dryRun("single"), records)
	if len(vs) != 1 || !vs[0].OK || vs[0].Domain != "weekly.example.org" {
		t.Errorf("single key: %+v", vs)
	}

	writeConfig("\n[dkim]\nselector = \"rsa2026\"\nkey_file = \"dkim-rsa2026.pem\"\n" +
		"\n[[dkim.keys]]\nselector = \"ed2026\"\nkey_file = \"dkim-ed2026.pem\"\n")
	if _, _, err := folio(t, nil, "send", "--week", sampleWeek, "--dry-run", "--config", cfg); err == nil || !strings.Contains(err.Error(), "[[dkim.keys]]") {
		t.Errorf("both forms at once: %v", err)
	}
}
