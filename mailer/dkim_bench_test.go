package mailer_test

import (
	"bytes"
	"testing"

	"github.com/foliopress/folio/mailer"
)

// BenchmarkDKIMSign is the signing cost of one member's message: an
// RSA-2048 key, an Ed25519 key, and both (as Folio signs by default).
func BenchmarkDKIMSign(b *testing.B) {
	var keys []mailer.DKIMKey
	for _, alg := range []string{"rsa", "ed25519"} {
		key, _, err := mailer.GenerateDKIMKey(alg)
		if err != nil {
			b.Fatal(err)
		}
		keys = append(keys, mailer.DKIMKey{Selector: alg, Key: key})
	}
	msg := []byte("From: Folio Weekly <issues@weekly.example.org>\r\nTo: zoe@example.net\r\nSubject: Issue 10\r\n" +
		"Date: Fri, 06 Mar 2026 07:00:00 +0000\r\nMessage-ID: <a@weekly.example.org>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\n" + string(bytes.Repeat([]byte("This week's issue, line by line.\r\n"), 600)))
	for _, tc := range []struct {
		name string
		keys []mailer.DKIMKey
	}{{"rsa", keys[:1]}, {"ed25519", keys[1:]}, {"both", keys}} {
		b.Run(tc.name, func(b *testing.B) {
			d, err := mailer.NewDKIM("issues@weekly.example.org", "", tc.keys)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(msg)))
			for b.Loop() {
				if _, err := d.Sign(msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
