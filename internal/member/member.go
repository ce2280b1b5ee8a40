package member

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Status is a member's subscription state.
type Status string

// The member statuses. Only active members receive issues.
const (
	StatusActive       Status = "active"
	StatusPaused       Status = "paused"
	StatusUnsubscribed Status = "unsubscribed"
	StatusBounced      Status = "bounced"
)

// Left reports whether s is a status only the member can undo: an
// unsubscribe (or complaint) or a bounce. No import or API call makes such
// a member active again without their recorded consent.
func (s Status) Left() bool { return s == StatusUnsubscribed || s == StatusBounced }

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusActive, StatusPaused, StatusUnsubscribed, StatusBounced:
		return true
	}
	return false
}

// PDF delivery preferences of a member.
const (
	DeliverAttach = "attach"
	DeliverLink   = "link"
)

// Member is one subscriber. Email is unique ignoring case.
type Member struct {
	ID         int64
	Email      string
	Name       string
	Tier       string
	Status     Status
	DeliverPDF string // "attach", "link" or "" (the default)
	// PausedUntil is when a member's own pause ends (status paused); zero
	// for a pause without an end (set by an import or the operator).
	PausedUntil time.Time
}

// Row-level validation errors, wrapped in a *RowError. Their text is
// unprefixed because RowError already names the file and line.
var (
	ErrInvalidAddress = errors.New("invalid address")
	ErrUnknownStatus  = errors.New("unknown status (want active, paused, unsubscribed or bounced)")
	ErrUnknownDeliver = errors.New("unknown value (want attach, link or empty)")
	ErrDuplicateEmail = errors.New("duplicate email")
	ErrFieldCount     = errors.New("wrong number of fields")
	ErrMissingColumn  = errors.New("missing required column")
	ErrDuplicateCol   = errors.New("duplicate column")
	ErrRequired       = errors.New("required")
	ErrInvalidUTF8    = errors.New("invalid UTF-8")
	ErrNoHeader       = errors.New("no header row")
)

// ValidateEmail checks that addr is a bare address (no display name, no
// line breaks) with a local part and a domain within RFC 5321's limits
// and no IP literal (AddressRules), and returns it trimmed.
func ValidateEmail(addr string) (string, error) {
	addr = strings.TrimSpace(addr)
	if addr == "" || strings.ContainsAny(addr, "\r\n<>\x00 \t") || !utf8.ValidString(addr) {
		return "", ErrInvalidAddress
	}
	if !plainAddress(addr) {
		// Anything but the common shape goes through the full RFC 5322
		// parser (quoted local parts, unusual characters).
		parsed, err := mail.ParseAddress(addr)
		if err != nil || parsed.Name != "" || parsed.Address != addr {
			return "", ErrInvalidAddress
		}
	}
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		return "", ErrInvalidAddress
	}
	domain := addr[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") ||
		strings.Contains(domain, "..") {
		return "", ErrInvalidAddress
	}
	// RFC 5321's limits, the same rule the sender applies.
	if err := (AddressRules{}).Check(addr); err != nil {
		return "", err
	}
	return addr, nil
}

// plainAddress reports whether addr is a dot-atom local part of letters,
// digits and ._%+- at a domain of letters, digits, dots and hyphens:
// every such address is one mail.ParseAddress accepts as written, and an
// import of a million members spends its time here.
func plainAddress(addr string) bool {
	at := -1
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-':
		case c == '_' || c == '%' || c == '+':
			if at >= 0 {
				return false // not in a domain
			}
		case c == '@':
			if at >= 0 {
				return false
			}
			at = i
		default:
			return false
		}
	}
	if at <= 0 || at == len(addr)-1 {
		return false
	}
	local := addr[:at]
	return local[0] != '.' && local[len(local)-1] != '.' && !strings.Contains(local, "..")
}

// Validate checks a member built outside the CSV importer (an API, a test).
func (m Member) Validate() error {
	if _, err := ValidateEmail(m.Email); err != nil {
		return fmt.Errorf("member: email %q: %w", m.Email, err)
	}
	if !m.Status.Valid() {
		return fmt.Errorf("member: status %q: %w", m.Status, ErrUnknownStatus)
	}
	switch m.DeliverPDF {
	case "", DeliverAttach, DeliverLink:
	default:
		return fmt.Errorf("member: deliver_pdf %q: %w", m.DeliverPDF, ErrUnknownDeliver)
	}
	return nil
}
