package member

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// AddressRules are the limits an address must keep to be mailed: RFC
// 5321's sizes (§4.5.3.1) and, unless allowed, no address literal for a
// domain. Importing and sending both check them here, so an address the
// importer took is one the sender can send to.
type AddressRules struct {
	// AllowIPLiteral lets the domain be an address literal,
	// user@[192.0.2.1] or user@[IPv6:2001:db8::1].
	AllowIPLiteral bool
}

// RFC 5321 §4.5.3.1 sizes, in octets.
const (
	maxLocalPart = 64
	maxDomain    = 255
	maxAddress   = 254 // a path of 256 octets, less its angle brackets
)

// domainProfile checks a domain the way a resolver would look it up,
// internationalised labels included (their A-label form must fit DNS).
var domainProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.VerifyDNSLength(true), idna.StrictDomainName(true))

// Check reports why addr (a bare local@domain) cannot be mailed, wrapping
// ErrInvalidAddress, or nil. A local part outside ASCII is allowed: it
// goes out with SMTPUTF8 (RFC 6531) where the relay offers it.
func (r AddressRules) Check(addr string) error {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 || !utf8.ValidString(addr) {
		return fmt.Errorf("%w: want local-part@domain", ErrInvalidAddress)
	}
	local, domain := addr[:at], addr[at+1:]
	if len(local) > maxLocalPart {
		return fmt.Errorf("%w: the local part is %d octets; RFC 5321 allows %d", ErrInvalidAddress, len(local), maxLocalPart)
	}
	if len(addr) > maxAddress {
		return fmt.Errorf("%w: the address is %d octets; RFC 5321 allows %d", ErrInvalidAddress, len(addr), maxAddress)
	}
	if strings.HasPrefix(domain, "[") {
		if !r.AllowIPLiteral {
			return fmt.Errorf("%w: %s is an IP address literal; only host names are mailed", ErrInvalidAddress, domain)
		}
		lit, ok := strings.CutSuffix(domain[1:], "]")
		lit, v6 := strings.CutPrefix(lit, "IPv6:")
		ip, err := netip.ParseAddr(lit)
		if !ok || err != nil || ip.Is6() != v6 || ip.Zone() != "" {
			return fmt.Errorf("%w: %s is not an address literal", ErrInvalidAddress, domain)
		}
		return nil
	}
	ascii, ok := plainDomain(domain)
	if !ok {
		var err error
		if ascii, err = domainProfile.ToASCII(domain); err != nil {
			return fmt.Errorf("%w: domain %q: %v", ErrInvalidAddress, domain, err)
		}
	}
	if len(ascii) > maxDomain {
		return fmt.Errorf("%w: the domain is %d octets; RFC 5321 allows %d", ErrInvalidAddress, len(ascii), maxDomain)
	}
	if !strings.Contains(ascii, ".") {
		return fmt.Errorf("%w: domain %q has no dot", ErrInvalidAddress, domain)
	}
	return nil
}

// plainDomain is domainProfile.ToASCII for the common domain, ASCII
// letters, digits and hyphens in labels of 1 to 63 that neither start nor
// end with a hyphen nor hold two in a row (no A-labels): such a domain is
// its own lookup form, lowercased. An import checks a million addresses,
// and the IDNA profile was a tenth of its time. ok is false for anything
// else, which goes through the profile.
func plainDomain(domain string) (ascii string, ok bool) {
	if len(domain) == 0 || len(domain) > 253 {
		return "", false
	}
	upper, label := false, 0
	for i := 0; i < len(domain); i++ {
		c := domain[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c >= 'A' && c <= 'Z':
			upper = true
		case c == '-':
			if label == 0 || i+1 == len(domain) || domain[i+1] == '.' || domain[i+1] == '-' {
				return "", false
			}
		case c == '.':
			if label == 0 {
				return "", false
			}
			label = 0
			continue
		default:
			return "", false
		}
		if label++; label > 63 {
			return "", false
		}
	}
	if label == 0 {
		return "", false
	}
	if upper {
		return strings.ToLower(domain), true
	}
	return domain, true
}
