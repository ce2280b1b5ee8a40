package links

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/foliopress/folio/internal/member"
)

// The local parts of the members' own addresses on MailDomain.
const (
	// BounceLocal is the envelope sender: "bounces+<token>" per member and
	// issue (VERP), or plain "bounces" for feedback-loop reports and mail
	// that names no member.
	BounceLocal = "bounces"
	// UnsubscribeLocal is the List-Unsubscribe mailto address,
	// "unsubscribe+<token>" per member.
	UnsubscribeLocal = "unsubscribe"
)

// AddressKind says which of Folio's own addresses an address is.
type AddressKind int

// The address kinds.
const (
	// AddrBounce is a member's VERP envelope sender: DSNs come back to it.
	AddrBounce AddressKind = iota + 1
	// AddrUnsubscribe is a member's mailto unsubscribe address.
	AddrUnsubscribe
	// AddrPlain is the bare bounce address (feedback loops, DSNs to
	// mail that carried no VERP address).
	AddrPlain
)

func (k AddressKind) String() string {
	switch k {
	case AddrBounce:
		return "bounce"
	case AddrUnsubscribe:
		return "unsubscribe"
	case AddrPlain:
		return "plain"
	}
	return "unknown"
}

// Address is one of Folio's own addresses, parsed and verified.
type Address struct {
	Kind     AddressKind
	MemberID int64
	// IssueID is the issue a VERP address was made for ("2026-W10"), or
	// empty when the issue is not an ISO week.
	IssueID string
}

// Address errors.
var (
	// ErrNotOurs: the address is not on MailDomain, or not one of the
	// local parts Folio uses. An SMTP listener answers it with 550.
	ErrNotOurs = errors.New("links: not one of our addresses")
	// ErrBadAddress: the address looks like ours but its token is forged,
	// altered or of another list.
	ErrBadAddress = errors.New("links: forged or altered address token")
)

// base32 in lower case without padding: local parts are case-insensitive
// in practice (some MTAs fold them), and base32 survives that.
var addrEnc = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// addrMACLen is the truncated MAC of an address token: 64 bits is plenty
// against forgery by guessing (each guess costs a delivered message).
const addrMACLen = 8

// BounceAddress is the VERP envelope sender of memberID's copy of issueID:
// "bounces+<token>@<MailDomain>", about 31 characters before the domain.
func (l *Links) BounceAddress(memberID int64, issueID string) string {
	payload := binary.AppendUvarint(nil, uint64(memberID))
	payload = binary.AppendUvarint(payload, weekCode(issueID))
	return BounceLocal + "+" + l.addrToken(AddrBounce, payload) + "@" + l.MailDomain
}

// UnsubscribeAddress is the member's mailto unsubscribe address,
// "unsubscribe+<token>@<MailDomain>". It never expires.
func (l *Links) UnsubscribeAddress(memberID int64) string {
	payload := binary.AppendUvarint(nil, uint64(memberID))
	return UnsubscribeLocal + "+" + l.addrToken(AddrUnsubscribe, payload) + "@" + l.MailDomain
}

// UnsubscribeMailto is the member's List-Unsubscribe mailto URI.
func (l *Links) UnsubscribeMailto(m member.Member) string {
	return "mailto:" + l.UnsubscribeAddress(m.ID) + "?subject=unsubscribe"
}

// PlainAddress is the bare bounce address, "bounces@<MailDomain>".
func (l *Links) PlainAddress() string { return BounceLocal + "@" + l.MailDomain }

func (l *Links) addrToken(kind AddressKind, payload []byte) string {
	return addrEnc.EncodeToString(append(payload, addrMAC(l.Secret, kind, l.List, payload)...))
}

func addrMAC(secret []byte, kind AddressKind, list string, payload []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte("folio-addr-v1\x00" + kind.String() + "\x00" + list + "\x00"))
	h.Write(payload)
	return h.Sum(nil)[:addrMACLen]
}

// ParseAddress tells which of Folio's addresses addr is (bare, or in
// angle brackets) and verifies its token. Any other address is
// ErrNotOurs; one of ours with a bad token is ErrBadAddress.
func (l *Links) ParseAddress(addr string) (Address, error) {
	addr = strings.TrimSpace(strings.Trim(strings.TrimSpace(addr), "<>"))
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || l.MailDomain == "" || !strings.EqualFold(addr[at+1:], l.MailDomain) || len(addr) > 320 {
		return Address{}, ErrNotOurs
	}
	local := strings.ToLower(addr[:at])
	base, token, tagged := strings.Cut(local, "+")
	switch {
	case base == BounceLocal && !tagged:
		return Address{Kind: AddrPlain}, nil
	case base == BounceLocal:
		return l.parseToken(AddrBounce, token)
	case base == UnsubscribeLocal && tagged:
		return l.parseToken(AddrUnsubscribe, token)
	}
	return Address{}, ErrNotOurs
}

func (l *Links) parseToken(kind AddressKind, token string) (Address, error) {
	if len(l.Secret) == 0 {
		return Address{}, ErrNoSecret
	}
	raw, err := addrEnc.DecodeString(token)
	if err != nil || len(raw) <= addrMACLen || len(raw) > 32 || addrEnc.EncodeToString(raw) != token {
		return Address{}, ErrBadAddress
	}
	payload, sig := raw[:len(raw)-addrMACLen], raw[len(raw)-addrMACLen:]
	if !l.signedBy(sig, func(secret []byte) []byte { return addrMAC(secret, kind, l.List, payload) }) {
		return Address{}, ErrBadAddress
	}
	id, n := binary.Uvarint(payload)
	if n <= 0 || id > 1<<62 {
		return Address{}, ErrBadAddress
	}
	a := Address{Kind: kind, MemberID: int64(id)}
	rest := payload[n:]
	if kind == AddrBounce {
		code, m := binary.Uvarint(rest)
		if m <= 0 {
			return Address{}, ErrBadAddress
		}
		a.IssueID, rest = weekID(code), rest[m:]
	}
	if len(rest) != 0 {
		return Address{}, ErrBadAddress
	}
	return a, nil
}

// weekCode packs an ISO week id ("2026-W10") as year×64+week; anything
// else is 0.
func weekCode(issueID string) uint64 {
	var y, w int
	if len(issueID) != 8 || issueID[4:6] != "-W" {
		return 0
	}
	if _, err := fmt.Sscanf(issueID, "%4d-W%2d", &y, &w); err != nil || y < 1000 || w < 1 || w > 53 {
		return 0
	}
	return uint64(y*64 + w)
}

// weekID unpacks weekCode; 0 (or nonsense) is "".
func weekID(code uint64) string {
	y, w := code/64, code%64
	if y < 1000 || y > 9999 || w < 1 || w > 53 {
		return ""
	}
	return fmt.Sprintf("%04d-W%02d", y, w)
}
