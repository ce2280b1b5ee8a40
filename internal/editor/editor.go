package editor

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Role is what an editor may do. An editor builds, previews, test-sends,
// sends, schedules and pauses issues and reads members; an admin may also
// change members (status, suppressions, imports), export them and read
// the audit log.
type Role string

// The roles.
const (
	RoleEditor Role = "editor"
	RoleAdmin  Role = "admin"
)

// ParseRole reads a role's name.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleEditor, RoleAdmin:
		return r, nil
	}
	return "", fmt.Errorf("editor: role %q: want editor or admin", s)
}

// Admin reports whether the role may change members and read the audit log.
func (r Role) Admin() bool { return r == RoleAdmin }

// Editor is one console account.
type Editor struct {
	ID       int64
	Email    string
	Role     Role
	Password string // the bcrypt hash, never the password
	Created  time.Time
}

// Errors of accounts.
var (
	ErrNoEditor     = errors.New("editor: no such editor")
	ErrExists       = errors.New("editor: an editor with this address exists")
	ErrWeakPassword = errors.New("editor: the password must be at least 12 characters")
)

// MinPassword is the shortest password accepted.
const MinPassword = 12

// Cost is bcrypt's work factor: some 200 ms a check on one core, so a
// stolen table costs an attacker dearly and a login still feels instant.
const Cost = 12

// CheckEmail returns the bare address of an editor's email.
func CheckEmail(s string) (string, error) {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil || a.Name != "" || !strings.Contains(a.Address, "@") {
		return "", fmt.Errorf("editor: %q is not a bare email address", s)
	}
	return a.Address, nil
}

// Hash hashes a password with bcrypt; a password under MinPassword
// characters or over bcrypt's 72 bytes is refused.
func Hash(password string, cost int) (string, error) {
	if len([]rune(password)) < MinPassword {
		return "", ErrWeakPassword
	}
	if len(password) > 72 {
		return "", errors.New("editor: the password is longer than 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", fmt.Errorf("editor: hash: %w", err)
	}
	return string(h), nil
}

// Matches reports whether password is the editor's. It takes bcrypt's
// time whether or not the hash is valid.
func (e Editor) Matches(password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(e.Password), []byte(password)) == nil
}

// dummyHash is compared against for a login to an unknown address, so
// such a login takes as long as a real one and reveals nothing.
const dummyHash = "$2a$12$SPPFAjeTFahNECAmHH8rGu7rGDP1aRq6d5CPxAKfxwMcF06MfP8tK"

// Waste spends a password check's time on nothing (an unknown address).
func Waste(password string) {
	_ = bcrypt.CompareHashAndPassword([]byte(dummyHash), []byte(password))
}
