package mailer

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/emersion/go-msgauth/dkim"
)

// dkimHeaders are the header fields signed: the identity and the
// bulk-sender headers receivers check (List-Unsubscribe must be signed
// for one-click to count).
func dkimHeaders() []string {
	return []string{
		"From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe",
		"List-Unsubscribe-Post", "List-Id", "Feedback-ID", "MIME-Version", "Content-Type",
	}
}

// DKIM signs rendered messages with go-msgauth (go-mail's own signer
// breaks on long h= lists). It is safe for concurrent use: each Sign
// builds its own options.
type DKIM struct {
	Domain   string
	Selector string
	Key      crypto.Signer // *rsa.PrivateKey or ed25519.PrivateKey
}

// ParseDKIMKey reads a PEM private key (PKCS#1 or PKCS#8; RSA or Ed25519).
func ParseDKIMKey(pemData []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(pemData)
	if block == nil {
		return nil, errors.New("mailer: dkim key: no PEM block")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("mailer: dkim key: %w", err)
	}
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	}
	return nil, fmt.Errorf("mailer: dkim key: unsupported type %T", k)
}

// Sign returns msg with a DKIM-Signature header prepended.
func (d *DKIM) Sign(msg []byte) ([]byte, error) {
	opts := &dkim.SignOptions{
		Domain:                 d.Domain,
		Selector:               d.Selector,
		Signer:                 d.Key,
		HeaderKeys:             dkimHeaders(),
		HeaderCanonicalization: dkim.CanonicalizationRelaxed,
		BodyCanonicalization:   dkim.CanonicalizationRelaxed,
	}
	var out bytes.Buffer
	out.Grow(len(msg) + 600)
	if err := dkim.Sign(&out, bytes.NewReader(msg), opts); err != nil {
		return nil, fmt.Errorf("mailer: dkim sign: %w", err)
	}
	return out.Bytes(), nil
}
