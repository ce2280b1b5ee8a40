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
	ascii, err := domainProfile.ToASCII(domain)
	if err != nil {
		return fmt.Errorf("%w: domain %q: %v", ErrInvalidAddress, domain, err)
	}
	if len(ascii) > maxDomain {
		return fmt.Errorf("%w: the domain is %d octets; RFC 5321 allows %d", ErrInvalidAddress, len(ascii), maxDomain)
	}
	if !strings.Contains(ascii, ".") {
		return fmt.Errorf("%w: domain %q has no dot", ErrInvalidAddress, domain)
	}
	return nil
}
