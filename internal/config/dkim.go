package config

import (
	"errors"
	"fmt"
	"regexp"
	"sync"
)

// DKIM signs outgoing mail with every key in Keys (RSA and Ed25519 side
// by side, each under its own selector). Selector and KeyFile are the
// older form for one key; they still work alone.
type DKIM struct {
	// Domain is the d= of the signatures; empty: the From address's domain.
	Domain   string    `toml:"domain"`
	Selector string    `toml:"selector"`
	KeyFile  string    `toml:"key_file"`
	Keys     []DKIMKey `toml:"keys"`
}

// DKIMKey is one signing key: a PEM file and the selector its public key
// is published under (selector._domainkey.<domain>).
type DKIMKey struct {
	Selector string `toml:"selector"`
	KeyFile  string `toml:"key_file"`
}

// SigningKeys lists the keys to sign with, from either form.
func (d DKIM) SigningKeys() []DKIMKey {
	if d.KeyFile != "" {
		return []DKIMKey{{Selector: d.Selector, KeyFile: d.KeyFile}}
	}
	return d.Keys
}

// dnsLabel is a selector or a dot-separated part of one (RFC 6376 §3.1).
var dnsLabel = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$`)
})

func (d DKIM) validate() error {
	if (d.KeyFile == "") != (d.Selector == "") {
		return errors.New("[dkim] key_file and selector go together")
	}
	if d.KeyFile != "" && len(d.Keys) > 0 {
		return errors.New("[dkim] selector and key_file name one key, [[dkim.keys]] several: use one form (a single key is a [[dkim.keys]] entry too)")
	}
	seen := map[string]bool{}
	for i, k := range d.SigningKeys() {
		where := fmt.Sprintf("[[dkim.keys]] %d", i+1)
		if d.KeyFile != "" {
			where = "[dkim]"
		}
		switch {
		case k.Selector == "" || k.KeyFile == "":
			return fmt.Errorf("%s: selector and key_file are both required", where)
		case !dnsLabel().MatchString(k.Selector):
			return fmt.Errorf("%s: selector %q: want letters, digits and hyphens (a DNS name)", where, k.Selector)
		case seen[k.Selector]:
			return fmt.Errorf("%s: selector %q appears twice", where, k.Selector)
		}
		seen[k.Selector] = true
	}
	if d.Domain != "" && !dnsLabel().MatchString(d.Domain) {
		return fmt.Errorf("[dkim] domain %q: want a domain name such as weekly.example.org", d.Domain)
	}
	return nil
}

// ValidSelector reports whether s can be a DKIM selector.
func ValidSelector(s string) bool { return dnsLabel().MatchString(s) }
