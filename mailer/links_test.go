package mailer_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/mailer"
)

func links(now time.Time) *mailer.Links {
	return &mailer.Links{
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
	l := links(now)
	m := mailer.Member{ID: 42}
	u := token(t, l.Unsubscribe(m), "https://weekly.example.org/u/")
	a := token(t, l.Archive(m), "https://weekly.example.org/archive/")
	if id, err := l.Verify(mailer.PurposeUnsubscribe, u); err != nil || id != 42 {
		t.Fatalf("unsubscribe verify: %d %v", id, err)
	}
	if id, err := l.Verify(mailer.PurposeArchive, a); err != nil || id != 42 {
		t.Fatalf("archive verify: %d %v", id, err)
	}
}

func TestLinksRejectForgedAlteredExpired(t *testing.T) {
	now := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
	l := links(now)
	good := token(t, l.Archive(mailer.Member{ID: 42}), "https://weekly.example.org/archive/")
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
	other := links(now)
	other.Secret = []byte("another secret, rotated in 2026!")
	otherList := links(now)
	otherList.List = "other.example.org"
	tests := []struct {
		name    string
		l       *mailer.Links
		purpose string
		token   string
		want    error
	}{
		{"altered payload", l, mailer.PurposeArchive, flip(payload, 3) + "." + sig, mailer.ErrBadToken},
		{"altered signature", l, mailer.PurposeArchive, payload + "." + flip(sig, 0), mailer.ErrBadToken},
		{"other purpose", l, mailer.PurposeUnsubscribe, good, mailer.ErrBadToken},
		{"rotated secret", other, mailer.PurposeArchive, good, mailer.ErrBadToken},
		{"other list", otherList, mailer.PurposeArchive, good, mailer.ErrBadToken},
		{"forged from nothing", l, mailer.PurposeArchive, "AAAAAAAAACoAAAAAaXZ0.AAAAAAAAAAAAAAAAAAAAAA", mailer.ErrBadToken},
		{"no dot", l, mailer.PurposeArchive, payload + sig, mailer.ErrBadToken},
		{"empty", l, mailer.PurposeArchive, "", mailer.ErrBadToken},
		{"not base64", l, mailer.PurposeArchive, "%%%.***", mailer.ErrBadToken},
		{"huge", l, mailer.PurposeArchive, strings.Repeat("A", 5000) + "." + sig, mailer.ErrBadToken},
		{"expired", links(now.Add(25 * time.Hour)), mailer.PurposeArchive, good, mailer.ErrExpiredToken},
		{"expired at exactly TTL", links(now.Add(24 * time.Hour)), mailer.PurposeArchive, good, mailer.ErrExpiredToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := tt.l.Verify(tt.purpose, tt.token)
			if !errors.Is(err, tt.want) || id != 0 {
				t.Errorf("Verify = %d, %v; want %v", id, err, tt.want)
			}
		})
	}
	if id, err := links(now.Add(23*time.Hour)).Verify(mailer.PurposeArchive, good); err != nil || id != 42 {
		t.Errorf("within TTL: %d %v", id, err)
	}
	// Unsubscribe links outlive archive links (a year by default).
	u := token(t, l.Unsubscribe(mailer.Member{ID: 7}), "https://weekly.example.org/u/")
	if id, err := links(now.Add(300*24*time.Hour)).Verify(mailer.PurposeUnsubscribe, u); err != nil || id != 7 {
		t.Errorf("unsubscribe after 300 days: %d %v", id, err)
	}
	noSecret := links(now)
	noSecret.Secret = nil
	if _, err := noSecret.Verify(mailer.PurposeArchive, good); !errors.Is(err, mailer.ErrNoSecret) {
		t.Errorf("no secret: %v", err)
	}
}

func ExampleLinks() {
	l := &mailer.Links{
		BaseURL: "https://weekly.example.org",
		Secret:  []byte("from FOLIO_SECRET, never logged"),
		TTL:     30 * 24 * time.Hour,
		Now:     func() time.Time { return time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC) },
	}
	url := l.Archive(mailer.Member{ID: 42})
	tok := url[strings.LastIndexByte(url, '/')+1:]
	id, err := l.Verify(mailer.PurposeArchive, tok)
	fmt.Println(strings.HasPrefix(url, "https://weekly.example.org/archive/"), id, err)
	_, err = l.Verify(mailer.PurposeUnsubscribe, tok)
	fmt.Println(err)
	// Output:
	// true 42 <nil>
	// mailer: invalid link token
}

func FuzzLinksVerify(f *testing.F) {
	now := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
	l := links(now)
	good := l.Token(mailer.PurposeArchive, 42, time.Hour)
	f.Add(good)
	f.Add("")
	f.Add("a.b")
	f.Add(good[:len(good)-2])
	f.Fuzz(func(t *testing.T, tok string) {
		id, err := l.Verify(mailer.PurposeArchive, tok)
		if err == nil && (id != 42 || tok != good) {
			t.Fatalf("accepted token %q for member %d", tok, id)
		}
	})
}
