package mailer

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"strings"
)

// GenerateDKIMKey makes a new signing key, "rsa" (2048 bits) or
// "ed25519", and returns it with its PEM (PKCS#8) form.
func GenerateDKIMKey(algorithm string) (crypto.Signer, []byte, error) {
	var key crypto.Signer
	switch algorithm {
	case "rsa":
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, nil, fmt.Errorf("mailer: dkim keygen: %w", err)
		}
		key = k
	case "ed25519":
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, nil, fmt.Errorf("mailer: dkim keygen: %w", err)
		}
		key = k
	default:
		return nil, nil, fmt.Errorf("mailer: dkim keygen: algorithm %q: want rsa or ed25519", algorithm)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("mailer: dkim keygen: %w", err)
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// DKIMRecord is the DNS TXT record that publishes key's public half:
// "v=DKIM1; k=rsa; p=…" (the SubjectPublicKeyInfo, as opendkim-genkey
// writes it) or "v=DKIM1; k=ed25519; p=…" (the raw 32 bytes, RFC 8463).
func DKIMRecord(key crypto.Signer) (string, error) {
	switch pub := key.Public().(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return "", fmt.Errorf("mailer: dkim record: %w", err)
		}
		return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der), nil
	case ed25519.PublicKey:
		return "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub), nil
	}
	return "", fmt.Errorf("mailer: dkim record: unsupported key type %T", key)
}

// DKIMZoneLine is the record as a zone-file line for
// selector._domainkey.domain, its text split into strings of at most
// 255 characters (RFC 1035 character-strings; a 2048-bit RSA key needs
// two).
func DKIMZoneLine(domain, selector, record string) string {
	var parts []string
	for len(record) > 255 {
		parts = append(parts, `"`+record[:255]+`"`)
		record = record[255:]
	}
	parts = append(parts, `"`+record+`"`)
	return fmt.Sprintf("%s._domainkey.%s. IN TXT ( %s )", selector, strings.TrimSuffix(domain, "."), strings.Join(parts, " "))
}
