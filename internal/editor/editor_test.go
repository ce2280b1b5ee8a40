package editor

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func TestHashAndMatches(t *testing.T) {
	h, err := Hash("correct horse battery", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := Hash("correct horse battery", bcrypt.MinCost)
	if !strings.HasPrefix(h, "$2a$04$") || h == h2 {
		t.Errorf("hashes %q, %q: want bcrypt with a random salt", h, h2)
	}
	e := Editor{Password: h}
	for _, tc := range []struct {
		pw   string
		want bool
	}{
		{"correct horse battery", true},
		{"correct horse batterY", false},
		{"", false},
	} {
		if got := e.Matches(tc.pw); got != tc.want {
			t.Errorf("Matches(%q) = %v, want %v", tc.pw, got, tc.want)
		}
	}
	if (Editor{Password: "not a hash"}).Matches("correct horse battery") {
		t.Error("a broken hash matched")
	}
	for _, pw := range []string{"short", "elevenchars", strings.Repeat("é", 40)} {
		if _, err := Hash(pw, bcrypt.MinCost); err == nil {
			t.Errorf("Hash(%q): no error", pw)
		}
	}
}

// TestDummyHashCost: the check for an unknown address costs as much as a
// real editor's (Cost), or the login's time would tell who has an account.
func TestDummyHashCost(t *testing.T) {
	if c, err := bcrypt.Cost([]byte(dummyHash)); err != nil || c != Cost {
		t.Errorf("dummy hash cost %d (%v), want %d", c, err, Cost)
	}
}

func TestThrottle(t *testing.T) {
	th := DefaultThrottle()
	t0 := time.Date(2026, 3, 6, 9, 0, 0, 0, time.UTC)
	var a Attempts
	for i := range th.Failures {
		if a.Locked(t0) {
			t.Fatalf("locked after %d failures", i)
		}
		a = th.Fail(a, t0.Add(time.Duration(i)*time.Second), th.Failures)
	}
	if !a.Locked(t0.Add(time.Minute)) {
		t.Fatal("not locked after the limit")
	}
	if a.Locked(t0.Add(5*time.Second + th.Lockout)) {
		t.Error("still locked after the lockout")
	}
	// Failures further apart than the window start over.
	var b Attempts
	for i := range 2 * th.Failures {
		b = th.Fail(b, t0.Add(time.Duration(i)*(th.Window+time.Second)), th.Failures)
	}
	if b.Locked(t0.Add(time.Duration(2*th.Failures) * (th.Window + time.Second))) {
		t.Error("spread-out failures locked the account")
	}
}

func TestParseRoleAndEmail(t *testing.T) {
	for _, s := range []string{"editor", "admin", " Admin "} {
		if _, err := ParseRole(s); err != nil {
			t.Errorf("ParseRole(%q): %v", s, err)
		}
	}
	if _, err := ParseRole("root"); err == nil {
		t.Error("ParseRole(root): no error")
	}
	if !RoleAdmin.Admin() || RoleEditor.Admin() {
		t.Error("Admin() is wrong")
	}
	if got, err := CheckEmail(" ann@example.org "); err != nil || got != "ann@example.org" {
		t.Errorf("CheckEmail = %q, %v", got, err)
	}
	for _, s := range []string{"Ann <ann@example.org>", "ann", ""} {
		if _, err := CheckEmail(s); err == nil {
			t.Errorf("CheckEmail(%q): no error", s)
		}
	}
}
