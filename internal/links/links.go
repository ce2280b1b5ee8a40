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
)

// Token errors. Both mean "403, change nothing".
var (
	ErrBadToken     = errors.New("links: invalid link token")
	ErrExpiredToken = errors.New("links: link token expired")
	ErrNoSecret     = errors.New("links: no link secret")
)

// DefaultUnsubscribeTTL keeps unsubscribe links in old issues working for
// a year: a member must be able to leave from any issue they still have.
const DefaultUnsubscribeTTL = 365 * 24 * time.Hour

// Links makes and checks members' signed personal links. A token is
// base64url(member id ‖ expiry ‖ list) "." base64url(HMAC-SHA256 over the
// purpose and that payload, truncated to 128 bits). Rotating Secret
// revokes every link at once.
type Links struct {
	BaseURL string // "https://weekly.example.org"
	Secret  []byte // from FOLIO_SECRET; at least 16 bytes
	TTL     time.Duration
	// UnsubscribeTTL is the lifetime of unsubscribe links; zero means
	// DefaultUnsubscribeTTL.
	UnsubscribeTTL time.Duration
	// List scopes the tokens (e.g. the List-Id); a token of another list
	// does not verify.
	List string
	Now  func() time.Time
}

func (l *Links) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// Unsubscribe returns the member's one-click unsubscribe URL, {base}/u/{token}.
func (l *Links) Unsubscribe(m member.Member) string {
	ttl := l.UnsubscribeTTL
	if ttl == 0 {
		ttl = DefaultUnsubscribeTTL
	}
	return strings.TrimRight(l.BaseURL, "/") + "/u/" + l.Token(PurposeUnsubscribe, m.ID, ttl)
}

// Archive returns the member's archive URL, {base}/archive/{token}.
func (l *Links) Archive(m member.Member) string {
	ttl := l.TTL
	if ttl == 0 {
		ttl = 90 * 24 * time.Hour
	}
	return strings.TrimRight(l.BaseURL, "/") + "/archive/" + l.Token(PurposeArchive, m.ID, ttl)
}

// Token signs (purpose, memberID, list, now+ttl).
func (l *Links) Token(purpose string, memberID int64, ttl time.Duration) string {
	payload := make([]byte, 16, 16+len(l.List))
	binary.BigEndian.PutUint64(payload[0:8], uint64(memberID))
	binary.BigEndian.PutUint64(payload[8:16], uint64(l.now().Add(ttl).Unix()))
	payload = append(payload, l.List...)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(l.mac(purpose, payload))
}

func (l *Links) mac(purpose string, payload []byte) []byte {
	h := hmac.New(sha256.New, l.Secret)
	h.Write([]byte("folio-link-v1\x00" + purpose + "\x00"))
	h.Write(payload)
	return h.Sum(nil)[:16]
}

// Verify checks a token for purpose and returns its member id. Forged,
// altered, other-purpose, other-list and expired tokens are rejected.
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
	if !hmac.Equal(sig, l.mac(purpose, payload)) {
		return 0, ErrBadToken
	}
	if string(payload[16:]) != l.List {
		return 0, ErrBadToken
	}
	id := int64(binary.BigEndian.Uint64(payload[0:8]))
	exp := time.Unix(int64(binary.BigEndian.Uint64(payload[8:16])), 0)
	if !l.now().Before(exp) {
		return 0, fmt.Errorf("%w (at %s)", ErrExpiredToken, exp.UTC().Format(time.RFC3339))
	}
	return id, nil
}
