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
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"time"
)

// signedHeaders are the header fields every signature covers: the
// identity and the bulk-sender headers receivers check (List-Unsubscribe
// must be signed for one-click to count). oversigned ones are listed once
// more than the message has them, so a copy added on the way (a second
// From, Subject or List-Unsubscribe) breaks the signature (RFC 6376
// §5.4.2, §8.15).
var (
	signedHeaders = []string{
		"From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe",
		"List-Unsubscribe-Post", "List-Id", "Feedback-ID", "MIME-Version", "Content-Type",
	}
	oversigned = map[string]bool{"From": true, "Subject": true, "List-Unsubscribe": true, "List-Unsubscribe-Post": true}
)

// DKIMKey is one signing key and the selector its public key is published
// under (selector._domainkey.domain).
type DKIMKey struct {
	Selector string
	Key      crypto.Signer // *rsa.PrivateKey or ed25519.PrivateKey
}

// DKIM signs rendered messages for Domain with every key, one
// DKIM-Signature each: RSA for every verifier, Ed25519 (RFC 8463) beside
// it for those that know it. It hashes the body once for all keys (a
// go-msgauth Signer per key hashed it once per key: a second key cost a
// quarter of a send's throughput) and is safe for concurrent use; the
// tests check its signatures with go-msgauth, dkimpy and OpenDKIM.
type DKIM struct {
	Domain string
	Keys   []DKIMKey
}

// dnsName is a domain or selector: dot-separated labels.
var dnsName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$`)
})

// NewDKIM checks the keys and the signing domain. An empty domain is the
// From address's, parsed as an address: `Folio Weekly
// <issues@weekly.example.org>` signs as d=weekly.example.org.
func NewDKIM(from, domain string, keys []DKIMKey) (*DKIM, error) {
	if domain == "" {
		a, err := mail.ParseAddress(from)
		if err != nil {
			return nil, fmt.Errorf("mailer: dkim: domain from the From address %q: %w", from, err)
		}
		domain = Domain(a.Address)
	}
	if !dnsName().MatchString(domain) {
		return nil, fmt.Errorf("mailer: dkim: domain %q is not a domain name", domain)
	}
	if len(keys) == 0 {
		return nil, errors.New("mailer: dkim: no keys")
	}
	seen := map[string]bool{}
	for _, k := range keys {
		if !dnsName().MatchString(k.Selector) || seen[k.Selector] {
			return nil, fmt.Errorf("mailer: dkim: selector %q: not a DNS name, or used twice", k.Selector)
		}
		seen[k.Selector] = true
		switch key := k.Key.(type) {
		case *rsa.PrivateKey:
			if key.N.BitLen() < 1024 {
				return nil, fmt.Errorf("mailer: dkim: selector %s: a %d-bit RSA key is too short (RFC 8301: at least 1024, 2048 recommended)", k.Selector, key.N.BitLen())
			}
		case ed25519.PrivateKey:
		default:
			return nil, fmt.Errorf("mailer: dkim: selector %s: unsupported key type %T", k.Selector, k.Key)
		}
	}
	return &DKIM{Domain: strings.ToLower(domain), Keys: keys}, nil
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

// headerKeys is the h= list for msg: the signed headers, Reply-To when
// the message has one, and the oversigned ones twice.
func headerKeys(msg []byte) []string {
	keys := make([]string, 0, len(signedHeaders)+len(oversigned)+1)
	head := msg
	if i := bytes.Index(msg, []byte("\r\n\r\n")); i >= 0 {
		head = msg[:i+2]
	}
	for _, h := range signedHeaders {
		keys = append(keys, h)
		if oversigned[h] {
			keys = append(keys, h)
		}
		if h == "Message-ID" && (bytes.HasPrefix(head, []byte("Reply-To:")) || bytes.Contains(head, []byte("\nReply-To:"))) {
			keys = append(keys, "Reply-To")
		}
	}
	return keys
}

// Sign returns msg with one DKIM-Signature header per key prepended
// (relaxed/relaxed, SHA-256). The body is hashed once for all keys.
func (d *DKIM) Sign(msg []byte) ([]byte, error) {
	head, body := msg, []byte(nil)
	if i := bytes.Index(msg, []byte("\r\n\r\n")); i >= 0 {
		head, body = msg[:i+2], msg[i+4:]
	}
	bh := relaxedBodyHash(body)
	fields := headerFields(head)
	keys := headerKeys(msg)
	now := time.Now()
	sigs := make([]string, len(d.Keys))
	n := len(msg)
	for i, k := range d.Keys {
		s, err := d.signature(k, fields, keys, bh, now)
		if err != nil {
			return nil, err
		}
		sigs[i] = s
		n += len(s)
	}
	out := make([]byte, 0, n)
	for _, s := range sigs {
		out = append(out, s...)
	}
	return append(out, msg...), nil
}
