package mailer

import (
	"fmt"
	"net/mail"
	"strings"

	"golang.org/x/net/idna"
)

// asciiOnly reports whether s is all ASCII.
func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// wireAddress is addr as SMTP carries it: an internationalised domain in
// its A-label form (bücher.example → xn--bcher-kva.example), which every
// relay takes, and whether the local part is outside ASCII, which only a
// relay offering SMTPUTF8 (RFC 6531) takes.
func wireAddress(addr string) (string, bool, error) {
	if asciiOnly(addr) {
		return addr, false, nil
	}
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return addr, !asciiOnly(addr), nil
	}
	local, domain := addr[:at], addr[at+1:]
	ascii, err := idna.Lookup.ToASCII(domain)
	if err != nil {
		return "", false, fmt.Errorf("domain %q: %w", domain, err)
	}
	return local + "@" + ascii, !asciiOnly(local), nil
}

// envelopeError is Folio's own refusal of an address the relay cannot
// take, in the relay's terms (RFC 6531 §3.5 names 553 5.6.7 for it).
func envelopeError(phase, addr string, err error) *SMTPError {
	msg := "5.6.7 <" + addr + ">: the relay does not offer SMTPUTF8, which this address needs (its local part is not ASCII)"
	if err != nil {
		msg = "5.1.3 <" + addr + ">: " + err.Error()
	}
	return &SMTPError{Phase: phase, Code: 553, Enhanced: msg[:5], Message: msg, Local: true,
		Err: fmt.Errorf("address %s: %s", addr, msg[6:])}
}

// headerAddress formats an address header: a name in RFC 2047 words when
// it is not ASCII; an internationalised domain as its A-label when the
// local part is ASCII, so the header stays ASCII for any relay (a local
// part outside ASCII travels with SMTPUTF8, and so may its header).
func headerAddress(a mail.Address) string {
	a.Name = oneLine(a.Name)
	if w, utf8, err := wireAddress(a.Address); err == nil && !utf8 {
		a.Address = w
	}
	return a.String()
}
