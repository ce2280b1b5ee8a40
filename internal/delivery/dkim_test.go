package delivery_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"

	"github.com/foliopress/folio/internal/delivery"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/mailer/smtptest"
)

// TestDKIMSignedMailVerifies signs through the real SMTP path and checks
// the bytes the server received with go-msgauth's verifier, the public
// key served by a test resolver.
func TestDKIMSignedMailVerifies(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaPub, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	edPub, edKey, _ := ed25519.GenerateKey(rand.Reader)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(edKey)
	edParsed, err := mailer.ParseDKIMKey(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}))
	if err != nil {
		t.Fatal(err)
	}
	rsaParsed, err := mailer.ParseDKIMKey(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}))
	if err != nil {
		t.Fatal(err)
	}
	records := map[string]string{
		"rsa._domainkey.weekly.example.org": "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(rsaPub),
		"ed._domainkey.weekly.example.org":  "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(edPub),
	}
	lookup := func(domain string) ([]string, error) {
		if r, ok := records[domain]; ok {
			return []string{r}, nil
		}
		return nil, fmt.Errorf("no TXT for %s", domain)
	}
	for _, k := range []struct {
		selector string
		key      crypto.Signer
	}{{"rsa", rsaParsed}, {"ed", edParsed}} {
		t.Run(k.selector, func(t *testing.T) {
			srv := smtptest.Start(t)
			st := newStore(t, 1)
			d := &mailer.DKIM{Domain: "weekly.example.org", Selector: k.selector, Key: k.key}
			s := sender(t, st, smtpTo(srv), func(o *delivery.Options) { o.DKIM = d })
			if _, err := s.Send(context.Background(), issueID); err != nil {
				t.Fatal(err)
			}
			msgs := srv.Messages()
			if len(msgs) != 1 {
				t.Fatalf("%d messages", len(msgs))
			}
			vs, err := dkim.VerifyWithOptions(bytes.NewReader(msgs[0].Data), &dkim.VerifyOptions{LookupTXT: lookup})
			if err != nil || len(vs) != 1 || vs[0].Err != nil {
				t.Fatalf("verify: %v %+v", err, vs)
			}
			signed := strings.Join(vs[0].HeaderKeys, ":")
			for _, h := range []string{"From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe",
				"List-Unsubscribe-Post", "List-Id", "Feedback-ID"} {
				if !strings.Contains(signed, h) {
					t.Errorf("%s not signed (h=%s)", h, signed)
				}
			}
			// A changed byte in the body breaks the signature.
			bad := bytes.Replace(msgs[0].Data, []byte("Dear Member 1"), []byte("Dear Member 2"), 1)
			vs, err = dkim.VerifyWithOptions(bytes.NewReader(bad), &dkim.VerifyOptions{LookupTXT: lookup})
			if err == nil && len(vs) == 1 && vs[0].Err == nil {
				t.Error("tampered message still verifies")
			}
		})
	}
}
