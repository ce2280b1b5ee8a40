package mailer

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
)

// TestRelaxedBodyHashAgreesWithGoMsgauth: Folio's relaxed body hash is
// go-msgauth's for bodies with runs of blanks, blanks at line ends, empty
// lines at the end, no final CRLF, and none at all.
func TestRelaxedBodyHashAgreesWithGoMsgauth(t *testing.T) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	bhTag := regexp.MustCompile(`bh=([A-Za-z0-9+/=]+)`)
	for _, body := range []string{
		"", "\r\n", "\r\n\r\n", "a", "a\r\n", "a \t b  \r\n", "a\r\n\r\n\r\n", "\r\n\r\na\r\n", " \r\n\t\r\n", "a\r\n \r\nb\r\n",
		"line one  \r\n\r\n  line two\t\r\n\r\n", strings.Repeat("=3D quoted-printable line of text =\r\n", 40),
	} {
		s, err := dkim.NewSigner(&dkim.SignOptions{Domain: "example.org", Selector: "s", Signer: key,
			HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Write([]byte("From: a@example.org\r\n\r\n" + body)); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		want := bhTag.FindStringSubmatch(strings.NewReplacer("\r\n", "", " ", "", "\t", "").Replace(s.Signature()))[1]
		if got := relaxedBodyHash([]byte(body)); got != want {
			t.Errorf("body %q: bh=%s, go-msgauth bh=%s", body, got, want)
		}
	}
	// Header fields with continuation lines split where they end.
	fields := headerFields([]byte("Subject: a\r\n b\r\nFrom: x@example.org\r\n"))
	if len(fields) != 2 || fields[0].name != "Subject" || !bytes.Equal(relaxedHeader(nil, fields[0].raw), []byte("subject:a b\r\n")) {
		t.Errorf("fields %q", fields)
	}
}
