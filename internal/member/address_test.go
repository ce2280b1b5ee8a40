package member

import (
	"errors"
	"strings"
	"testing"
)

func TestAddressRules(t *testing.T) {
	long := strings.Repeat("a", 64)
	for _, tc := range []struct {
		addr   string
		allow  bool
		want   string // "" accepts
		strict bool   // ValidateEmail must refuse it too
	}{
		{addr: "ann@example.org"},
		{addr: long + "@example.org"},
		{addr: long + "b@example.org", want: "local part is 65 octets", strict: true},
		{addr: "ann@" + strings.Repeat("x", 64) + ".org", want: "domain", strict: true},
		{addr: strings.Repeat("a", 60) + "@" + strings.Repeat(strings.Repeat("d", 60)+".", 3) + "example.org", want: "the address is 255 octets", strict: true},
		{addr: "ann@[192.0.2.1]", want: "IP address literal", strict: true},
		{addr: "ann@[192.0.2.1]", allow: true},
		{addr: "ann@[IPv6:2001:db8::1]", allow: true},
		{addr: "ann@[2001:db8::1]", allow: true, want: "not an address literal"},
		{addr: "ann@[300.1.1.1]", allow: true, want: "not an address literal"},
		{addr: "zoë@example.org"},    // goes out with SMTPUTF8
		{addr: "ann@bücher.example"}, // goes out as xn--bcher-kva.example
		{addr: "ann@bad_label.example", want: "domain"},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			err := AddressRules{AllowIPLiteral: tc.allow}.Check(tc.addr)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalidAddress)):
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if _, err := ValidateEmail(tc.addr); tc.strict && err == nil {
				t.Error("ValidateEmail accepts it")
			}
		})
	}
}

func FuzzAddressRules(f *testing.F) {
	for _, s := range []string{"ann@example.org", "zoë@bücher.example", "a@[192.0.2.1]", "a@[IPv6:::1]", "@", "a@b@c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		if (AddressRules{AllowIPLiteral: true}).Check(addr) != nil {
			return
		}
		at := strings.LastIndexByte(addr, '@')
		if at > maxLocalPart || len(addr) > maxAddress {
			t.Errorf("accepted %q beyond RFC 5321's limits", addr)
		}
	})
}

// FuzzPlainDomain: the fast path for plain ASCII domains gives what the
// IDNA lookup profile gives, for every domain it takes.
func FuzzPlainDomain(f *testing.F) {
	for _, s := range []string{"example.org", "Example.ORG", "a-b.c", "-a.b", "a-.b", "a--b.c", "xn--bcher-kva.example",
		"a..b", ".a", "a.", "1.2", strings.Repeat("a", 63) + ".b", strings.Repeat("a", 64) + ".b", "bad_label.example", "bücher.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, domain string) {
		got, ok := plainDomain(domain)
		if !ok {
			return
		}
		want, err := domainProfile.ToASCII(domain)
		if err != nil || got != want {
			t.Errorf("plainDomain(%q) = %q; the IDNA profile says %q, %v", domain, got, want, err)
		}
	})
}
