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

func TestPaceKeys(t *testing.T) {
	cfg, err := Parse("/x/folio.toml", []byte(minimal+`
warmup_start = "2026-03-02"
warmup_first = 200
warmup_last = 200000
warmup_days = 42
[delivery.domain_rates]
"gmail.com" = 20
"outlook.com" = 5.5
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Delivery.DomainRates["gmail.com"] != 20 || cfg.Delivery.WarmupDays != 42 || cfg.Delivery.WarmupStartDate().Day() != 2 {
		t.Errorf("%+v", cfg.Delivery)
	}
	for _, tc := range []struct{ name, toml, want string }{
		{"zero rate", "[delivery.domain_rates]\n\"gmail.com\" = 0\n", "want messages a second above 0"},
		{"not a domain", "[delivery.domain_rates]\n\"user@gmail.com\" = 3\n", "want a recipient domain"},
		// minimal ends in [delivery]: its keys follow on.
		{"warm-up half set", "warmup_first = 200\n", "go together"},
		{"warm-up bad date", "warmup_start = \"March\"\nwarmup_first = 1\nwarmup_last = 2\nwarmup_days = 3\n", "warmup_start \"March\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			toml := minimal + tc.toml
			_, err := Parse("/x/folio.toml", []byte(toml), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
