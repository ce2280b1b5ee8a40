package editor

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// Session is one editor's login. The browser holds Token in a cookie; the
// store keeps only its hash (ID), so a copy of the database opens no
// session.
type Session struct {
	ID      string // hex SHA-256 of the cookie's token
	Editor  Editor
	CSRF    string // the token every POST of this session carries
	Created time.Time
	Expires time.Time
}

// Lifetime is how long a session lasts without a new login.
const Lifetime = 12 * time.Hour

// NewToken returns 32 random bytes, base64url: a session cookie or a
// CSRF token.
func NewToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// SessionID is the stored form of a session token.
func SessionID(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
