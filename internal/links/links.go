package links

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/foliopress/folio/internal/member"
)

// Link purposes; a token signed for one never verifies for another.
const (
	PurposeUnsubscribe = "unsubscribe"
	PurposeArchive     = "archive"
	// PurposeManage is the member's "manage your delivery" page.
	PurposeManage = "manage"
)

// Token errors. Both mean "403, change nothing".
var (
	ErrBadToken     = errors.New("links: invalid link token")
	ErrExpiredToken = errors.New("links: link token expired")
	ErrNoSecret     = errors.New("links: no link secret")
)

// lasting reports whether links of purpose never expire: a member must be
// able to leave, or change how they get the issue, from any issue they
// still have, however old. Tokens made before this rule carried an
// expiry; it is ignored for these purposes.
func lasting(purpose string) bool {
	return purpose == PurposeUnsubscribe || purpose == PurposeManage
}

// Links makes and checks members' signed personal links and addresses. A
// link token is base64url(member id ‖ expiry ‖ list) "." base64url(HMAC-SHA256
// over the purpose and that payload, truncated to 128 bits); an expiry of
// zero never ends. Secret signs; Previous secrets still verify, so a
// secret can be rotated without breaking the links in old issues.
type Links struct {
	BaseURL string // "https://weekly.example.org"
	Secret  []byte // from FOLIO_SECRET; at least 16 bytes
	// Previous are retired secrets (FOLIO_SECRET_PREVIOUS) that still
	// verify but never sign.
	Previous [][]byte
	// TTL is the lifetime of archive links; zero means 90 days.
	// Unsubscribe and manage links never expire.
	TTL time.Duration
	// List scopes the tokens (e.g. the List-Id); a token of another list
	// does not verify.
	List string
	// MailDomain is the domain of the members' own addresses: the VERP
	// envelope sender and the mailto unsubscribe address (see Address).
	MailDomain string
	Now        func() time.Time
}

func (l *Links) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// Unsubscribe returns the member's one-click unsubscribe URL, {base}/u/{token}.
// It never expires.
func (l *Links) Unsubscribe(m member.Member) string {
	return strings.TrimRight(l.BaseURL, "/") + "/u/" + l.Token(PurposeUnsubscribe, m.ID, 0)
}

// Manage returns the member's "manage your delivery" URL, {base}/m/{token}.
// It never expires.
func (l *Links) Manage(m member.Member) string {
	return strings.TrimRight(l.BaseURL, "/") + "/m/" + l.Token(PurposeManage, m.ID, 0)
}

// Archive returns the member's archive URL, {base}/archive/{token}.
func (l *Links) Archive(m member.Member) string {
	ttl := l.TTL
	if ttl == 0 {
		ttl = 90 * 24 * time.Hour
	}
	return strings.TrimRight(l.BaseURL, "/") + "/archive/" + l.Token(PurposeArchive, m.ID, ttl)
}

// Token signs (purpose, memberID, list, now+ttl); a ttl of zero, or a
// lasting purpose, makes a token that never expires.
func (l *Links) Token(purpose string, memberID int64, ttl time.Duration) string {
	payload := make([]byte, 16, 16+len(l.List))
	binary.BigEndian.PutUint64(payload[0:8], uint64(memberID))
	if ttl > 0 && !lasting(purpose) {
		binary.BigEndian.PutUint64(payload[8:16], uint64(l.now().Add(ttl).Unix()))
	}
	payload = append(payload, l.List...)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(mac(l.Secret, purpose, payload))
}

func mac(secret []byte, purpose string, payload []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte("folio-link-v1\x00" + purpose + "\x00"))
	h.Write(payload)
	return h.Sum(nil)[:16]
}

// signedBy reports whether sig is the MAC of purpose and payload under
// the current secret or one of the previous ones.
func (l *Links) signedBy(sig []byte, sum func(secret []byte) []byte) bool {
	if hmac.Equal(sig, sum(l.Secret)) {
		return true
	}
	for _, prev := range l.Previous {
		if len(prev) > 0 && hmac.Equal(sig, sum(prev)) {
			return true
		}
	}
	return false
}

// Verify checks a token for purpose and returns its member id. Forged,
// altered, other-purpose and other-list tokens are rejected, and so are
// expired archive tokens; unsubscribe and manage tokens never expire.
func (l *Links) Verify(purpose, token string) (int64, error) {
	if len(l.Secret) == 0 {
		return 0, ErrNoSecret
	}
	if len(token) > 512 {
		return 0, ErrBadToken
	}
	p, s, ok := strings.Cut(token, ".")
	if !ok {
		return 0, ErrBadToken
	}
	enc := base64.RawURLEncoding.Strict() // one spelling per token
	payload, err1 := enc.DecodeString(p)
	sig, err2 := enc.DecodeString(s)
	if err1 != nil || err2 != nil || len(payload) < 16 {
		return 0, ErrBadToken
	}
	if !l.signedBy(sig, func(secret []byte) []byte { return mac(secret, purpose, payload) }) {
		return 0, ErrBadToken
	}
	if string(payload[16:]) != l.List {
		return 0, ErrBadToken
	}
	id := int64(binary.BigEndian.Uint64(payload[0:8]))
	if exp := int64(binary.BigEndian.Uint64(payload[8:16])); exp != 0 && !lasting(purpose) {
		if t := time.Unix(exp, 0); !l.now().Before(t) {
			return 0, fmt.Errorf("%w (at %s)", ErrExpiredToken, t.UTC().Format(time.RFC3339))
		}
	}
	return id, nil
}
