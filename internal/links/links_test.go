package links_test

import (
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
	// Unsubscribe links outlive archive links (a year by default).
	u := token(t, l.Unsubscribe(member.Member{ID: 7}), "https://weekly.example.org/u/")
	if id, err := newLinks(now.Add(300*24*time.Hour)).Verify(links.PurposeUnsubscribe, u); err != nil || id != 7 {
		t.Errorf("unsubscribe after 300 days: %d %v", id, err)
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
