package config

import (
	"strings"
	"testing"
)

func TestDKIMKeys(t *testing.T) {
	cfg, err := Parse("/srv/folio/folio.toml", []byte(minimal+`
[dkim]
[[dkim.keys]]
selector = "rsa2026"
key_file = "keys/rsa.pem"
[[dkim.keys]]
selector = "ed2026"
key_file = "/etc/folio/ed.pem"
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	keys := cfg.DKIM.SigningKeys()
	if len(keys) != 2 || keys[0].KeyFile != "/srv/folio/keys/rsa.pem" || keys[1].KeyFile != "/etc/folio/ed.pem" {
		t.Errorf("keys %+v", keys)
	}
	cfg, err = Parse("/srv/folio/folio.toml", []byte(minimal+"[dkim]\nselector = \"s1\"\nkey_file = \"k.pem\"\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if keys := cfg.DKIM.SigningKeys(); len(keys) != 1 || keys[0].Selector != "s1" || keys[0].KeyFile != "/srv/folio/k.pem" {
		t.Errorf("single key %+v", keys)
	}
}

func TestDKIMErrors(t *testing.T) {
	for _, tc := range []struct{ name, toml, want string }{
		{"selector alone", "[dkim]\nselector = \"s\"\n", "key_file and selector go together"},
		{"both forms", "[dkim]\nselector = \"s\"\nkey_file = \"k\"\n[[dkim.keys]]\nselector = \"t\"\nkey_file = \"l\"\n", "use one form"},
		{"key without file", "[[dkim.keys]]\nselector = \"s\"\n", "[[dkim.keys]] 1: selector and key_file are both required"},
		{"bad selector", "[[dkim.keys]]\nselector = \"a b\"\nkey_file = \"k\"\n", `selector "a b"`},
		{"selector twice", "[[dkim.keys]]\nselector = \"s\"\nkey_file = \"k\"\n[[dkim.keys]]\nselector = \"s\"\nkey_file = \"l\"\n", "appears twice"},
		{"raw address as domain", "[dkim]\ndomain = \"weekly.example.org>\"\n", `[dkim] domain "weekly.example.org>"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("/x/folio.toml", []byte(minimal+tc.toml), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := Parse("/x/folio.toml", []byte(minimal), []string{"FOLIO_DKIM_KEYS=s:k"}); err == nil || !strings.Contains(err.Error(), "config file") {
		t.Errorf("keys from the environment: %v", err)
	}
}
