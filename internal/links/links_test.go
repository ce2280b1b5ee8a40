package links_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/links"
	"github.com/foliopress/folio/internal/member"
)

func newLinks(now time.Time) *links.Links {
	return &links.Links{
		BaseURL: "https://weekly.example.org/",
		Secret:  []byte("0123456789abcdef0123456789abcdef"),
		TTL:     24 * time.Hour,
		List:    "newsletter.weekly.example.org",
		Now:     func() time.Time { return now },
	}
}

func token(t *testing.T, url, prefix string) string {
	t.Helper()
	tok, ok := strings.CutPrefix(url, prefix)
	if !ok {
		t.Fatalf("URL %q does not start with %q", url, prefix)
	}
	return tok
}

func TestLinksRoundTrip(t *testing.T) {
	now := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
	l := newLinks(now)
	m := member.Member{ID: 42}
	u := token(t, l.Unsubscribe(m), "https://weekly.example.org/u/")
	a := token(t, l.Archive(m), "https://weekly.example.org/archive/")
	if id, err := l.Verify(links.PurposeUnsubscribe, u); err != nil || id != 42 {
		t.Fatalf("unsubscribe verify: %d %v", id, err)
	}
	if id, err := l.Verify(links.PurposeArchive, a); err != nil || id != 42 {
		t.Fatalf("archive verify: %d %v", id, err)
	}
}

func TestLinksRejectForgedAlteredExpired(t *testing.T) {
	now := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
	l := newLinks(now)
	good := token(t, l.Archive(member.Member{ID: 42}), "https://weekly.example.org/archive/")
	payload, sig, _ := strings.Cut(good, ".")
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	other := newLinks(now)
	other.Secret = []byte("another secret, rotated in 2026!")
	otherList := newLinks(now)
	otherList.List = "other.example.org"
	tests := []struct {
		name    string
		l       *links.Links
		purpose string
		token   string
		want    error
	}{
		{"altered payload", l, links.PurposeArchive, flip(payload, 3) + "." + sig, links.ErrBadToken},
		{"altered signature", l, links.PurposeArchive, payload + "." + flip(sig, 0), links.ErrBadToken},
		{"other purpose", l, links.PurposeUnsubscribe, good, links.ErrBadToken},
		{"rotated secret", other, links.PurposeArchive, good, links.ErrBadToken},
		{"other list", otherList, links.PurposeArchive, good, links.ErrBadToken},
		{"forged from nothing", l, links.PurposeArchive, "AAAAAAAAACoAAAAAaXZ0.AAAAAAAAAAAAAAAAAAAAAA", links.ErrBadToken},
		{"no dot", l, links.PurposeArchive, payload + sig, links.ErrBadToken},
		{"empty", l, links.PurposeArchive, "", links.ErrBadToken},
		{"not base64", l, links.PurposeArchive, "%%%.***", links.ErrBadToken},
		{"huge", l, links.PurposeArchive, strings.Repeat("A", 5000) + "." + sig, links.ErrBadToken},
		{"expired", newLinks(now.Add(25 * time.Hour)), links.PurposeArchive, good, links.ErrExpiredToken},
		{"expired at exactly TTL", newLinks(now.Add(24 * time.Hour)), links.PurposeArchive, good, links.ErrExpiredToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := tt.l.Verify(tt.purpose, tt.token)
			if !errors.Is(err, tt.want) || id != 0 {
				t.Errorf("Verify = %d, %v; want %v", id, err, tt.want)
			}
		})
	}
	if id, err := newLinks(now.Add(23*time.Hour)).Verify(links.PurposeArchive, good); err != nil || id != 42 {
		t.Errorf("within TTL: %d %v", id, err)
	}
	// Unsubscribe and manage links never expire.
	u := token(t, l.Unsubscribe(member.Member{ID: 7}), "https://weekly.example.org/u/")
	mg := token(t, l.Manage(member.Member{ID: 7}), "https://weekly.example.org/m/")
	later := newLinks(now.Add(30 * 365 * 24 * time.Hour))
	if id, err := later.Verify(links.PurposeUnsubscribe, u); err != nil || id != 7 {
		t.Errorf("unsubscribe after 30 years: %d %v", id, err)
	}
	if id, err := later.Verify(links.PurposeManage, mg); err != nil || id != 7 {
		t.Errorf("manage after 30 years: %d %v", id, err)
	}
	noSecret := newLinks(now)
	noSecret.Secret = nil
	if _, err := noSecret.Verify(links.PurposeArchive, good); !errors.Is(err, links.ErrNoSecret) {
		t.Errorf("no secret: %v", err)
	}
}

func ExampleLinks() {
	l := &links.Links{
		BaseURL: "https://weekly.example.org",
		Secret:  []byte("from FOLIO_SECRET, never logged"),
		TTL:     30 * 24 * time.Hour,
		Now:     func() time.Time { return time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC) },
	}
	url := l.Archive(member.Member{ID: 42})
	tok := url[strings.LastIndexByte(url, '/')+1:]
	id, err := l.Verify(links.PurposeArchive, tok)
	fmt.Println(strings.HasPrefix(url, "https://weekly.example.org/archive/"), id, err)
	_, err = l.Verify(links.PurposeUnsubscribe, tok)
	fmt.Println(err)
	// Output:
	// true 42 <nil>
	// links: invalid link token
}

func FuzzLinksVerify(f *testing.F) {
	now := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
	l := newLinks(now)
	good := l.Token(links.PurposeArchive, 42, time.Hour)
	f.Add(good)
	f.Add("")
	f.Add("a.b")
	f.Add(good[:len(good)-2])
	f.Fuzz(func(t *testing.T, tok string) {
		id, err := l.Verify(links.PurposeArchive, tok)
		if err == nil && (id != 42 || tok != good) {
			t.Fatalf("accepted token %q for member %d", tok, id)
		}
	})
}

// TestLinksOldUnsubscribeTokenNeverExpires: a token made by an earlier
// Folio carried a one-year expiry; it still unsubscribes years later.
func TestLinksOldUnsubscribeTokenNeverExpires(t *testing.T) {
	now := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
	l := newLinks(now)
	// The old layout: member id, expiry a year ahead, list; signed the same way.
	old := l.Token(links.PurposeArchive, 9, 365*24*time.Hour)
	payload, _, _ := strings.Cut(old, ".")
	resigned := resign(t, l, links.PurposeUnsubscribe, payload)
	if id, err := newLinks(now.Add(5*365*24*time.Hour)).Verify(links.PurposeUnsubscribe, resigned); err != nil || id != 9 {
		t.Fatalf("old one-year unsubscribe token after five years: %d %v", id, err)
	}
	// Archive tokens still expire.
	if _, err := newLinks(now.Add(366*24*time.Hour)).Verify(links.PurposeArchive, old); !errors.Is(err, links.ErrExpiredToken) {
		t.Fatalf("archive token after a year: %v", err)
	}
}

// resign signs payload for purpose the way Links does (HMAC-SHA256 over
// "folio-link-v1", the purpose and the payload, truncated to 16 bytes).
func resign(t *testing.T, l *links.Links, purpose, payloadB64 string) string {
	t.Helper()
	payload, err := base64.RawURLEncoding.DecodeString(payloadB64)
	if err != nil {
		t.Fatal(err)
	}
	h := hmac.New(sha256.New, l.Secret)
	h.Write([]byte("folio-link-v1\x00" + purpose + "\x00"))
	h.Write(payload)
	return payloadB64 + "." + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16])
}

func TestLinksSecretRotation(t *testing.T) {
	now := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
	before := newLinks(now)
	before.MailDomain = "bounces.weekly.example.org"
	u := token(t, before.Unsubscribe(member.Member{ID: 5}), "https://weekly.example.org/u/")
	a := token(t, before.Archive(member.Member{ID: 5}), "https://weekly.example.org/archive/")
	verp := before.BounceAddress(5, "2026-W10")
	mailto := before.UnsubscribeAddress(5)

	after := newLinks(now)
	after.MailDomain = before.MailDomain
	after.Secret = []byte("the new secret, rotated in March")
	if _, err := after.Verify(links.PurposeUnsubscribe, u); !errors.Is(err, links.ErrBadToken) {
		t.Fatalf("without the previous secret the old token must fail: %v", err)
	}
	if _, err := after.ParseAddress(verp); !errors.Is(err, links.ErrBadAddress) {
		t.Fatalf("without the previous secret the old VERP address must fail: %v", err)
	}
	after.Previous = [][]byte{[]byte("an even older secret, long gone"), before.Secret}
	for _, tc := range []struct {
		purpose, tok string
	}{{links.PurposeUnsubscribe, u}, {links.PurposeArchive, a}} {
		if id, err := after.Verify(tc.purpose, tc.tok); err != nil || id != 5 {
			t.Errorf("%s token after rotation: %d %v", tc.purpose, id, err)
		}
	}
	if got, err := after.ParseAddress(verp); err != nil || got.MemberID != 5 || got.IssueID != "2026-W10" {
		t.Errorf("VERP after rotation: %+v %v", got, err)
	}
	if got, err := after.ParseAddress(mailto); err != nil || got.Kind != links.AddrUnsubscribe || got.MemberID != 5 {
		t.Errorf("mailto after rotation: %+v %v", got, err)
	}
	// New tokens are signed with the new secret only.
	fresh := token(t, after.Unsubscribe(member.Member{ID: 5}), "https://weekly.example.org/u/")
	if _, err := before.Verify(links.PurposeUnsubscribe, fresh); !errors.Is(err, links.ErrBadToken) {
		t.Errorf("a new token verified under the old secret alone: %v", err)
	}
}

func TestLinksAddresses(t *testing.T) {
	l := newLinks(time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC))
	l.MailDomain = "bounces.weekly.example.org"
	verp := l.BounceAddress(123456, "2026-W10")
	if !strings.HasPrefix(verp, "bounces+") || !strings.HasSuffix(verp, "@bounces.weekly.example.org") {
		t.Fatalf("VERP address %q", verp)
	}
	if local := verp[:strings.IndexByte(verp, '@')]; len(local) > 64 {
		t.Fatalf("VERP local part is %d octets, over RFC 5321's 64", len(local))
	}
	otherList := newLinks(time.Now())
	otherList.MailDomain, otherList.List = l.MailDomain, "other.example.org"
	tok := verp[len("bounces+"):strings.IndexByte(verp, '@')]
	flipped := []byte(tok)
	flipped[2] ^= 1
	tests := []struct {
		name string
		l    *links.Links
		addr string
		want links.Address
		err  error
	}{
		{"VERP", l, verp, links.Address{Kind: links.AddrBounce, MemberID: 123456, IssueID: "2026-W10"}, nil},
		{"VERP upper-cased by an MTA", l, "<" + strings.ToUpper(verp) + ">", links.Address{Kind: links.AddrBounce, MemberID: 123456, IssueID: "2026-W10"}, nil},
		{"VERP of a non-week issue", l, l.BounceAddress(7, "special"), links.Address{Kind: links.AddrBounce, MemberID: 7}, nil},
		{"mailto", l, l.UnsubscribeAddress(42), links.Address{Kind: links.AddrUnsubscribe, MemberID: 42}, nil},
		{"plain", l, "Bounces@BOUNCES.weekly.example.org", links.Address{Kind: links.AddrPlain}, nil},
		{"other domain", l, "bounces+" + tok + "@example.com", links.Address{}, links.ErrNotOurs},
		{"other local part", l, "postmaster@bounces.weekly.example.org", links.Address{}, links.ErrNotOurs},
		{"bare unsubscribe", l, "unsubscribe@bounces.weekly.example.org", links.Address{}, links.ErrNotOurs},
		{"altered token", l, "bounces+" + string(flipped) + "@bounces.weekly.example.org", links.Address{}, links.ErrBadAddress},
		{"VERP token as mailto", l, "unsubscribe+" + tok + "@bounces.weekly.example.org", links.Address{}, links.ErrBadAddress},
		{"other list", otherList, verp, links.Address{}, links.ErrBadAddress},
		{"garbage token", l, "bounces+!!!@bounces.weekly.example.org", links.Address{}, links.ErrBadAddress},
		{"no at", l, "bounces", links.Address{}, links.ErrNotOurs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.l.ParseAddress(tt.addr)
			if !errors.Is(err, tt.err) || got != tt.want {
				t.Errorf("ParseAddress(%q) = %+v, %v; want %+v, %v", tt.addr, got, err, tt.want, tt.err)
			}
		})
	}
	if got := l.UnsubscribeMailto(member.Member{ID: 42}); got != "mailto:"+l.UnsubscribeAddress(42)+"?subject=unsubscribe" {
		t.Errorf("mailto URI %q", got)
	}
}

func FuzzParseAddress(f *testing.F) {
	l := newLinks(time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC))
	l.MailDomain = "b.example.org"
	good := l.BounceAddress(42, "2026-W10")
	f.Add(good)
	f.Add(l.UnsubscribeAddress(42))
	f.Add("bounces@b.example.org")
	f.Add("bounces+aaaaaaaaaaaaaaaaaaaa@b.example.org")
	f.Fuzz(func(t *testing.T, addr string) {
		a, err := l.ParseAddress(addr)
		if err != nil {
			return
		}
		if a.Kind == links.AddrPlain {
			return
		}
		// Only addresses Links made verify: the token must re-encode to
		// what a fresh address for that member carries.
		var want string
		if a.Kind == links.AddrBounce {
			want = l.BounceAddress(a.MemberID, a.IssueID)
		} else {
			want = l.UnsubscribeAddress(a.MemberID)
		}
		norm := strings.ToLower(strings.TrimSpace(strings.Trim(strings.TrimSpace(addr), "<>")))
		if norm != want {
			t.Fatalf("accepted %q as %+v; Links makes %q", addr, a, want)
		}
	})
}
