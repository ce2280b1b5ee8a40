package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"
)

// TLS modes of the test server.
const (
	tlsOff      = ""
	tlsStart    = "starttls"
	tlsImplicit = "tls"
)

// WithSTARTTLS offers STARTTLS with a fresh self-signed certificate for
// 127.0.0.1; clients trust it through ClientTLS.
func WithSTARTTLS() Option { return func(s *Server) { s.tlsMode = tlsStart } }

// WithImplicitTLS serves TLS from the first byte (port 465 style).
func WithImplicitTLS() Option { return func(s *Server) { s.tlsMode = tlsImplicit } }

// ClientTLS returns a client configuration that trusts the server's
// certificate (nil when the server has no TLS).
func (s *Server) ClientTLS() *tls.Config {
	if s.roots == nil {
		return nil
	}
	return &tls.Config{RootCAs: s.roots, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

// setupTLS makes the certificate and, for implicit TLS, wraps the listener.
func (s *Server) setupTLS(tb testing.TB, l net.Listener) net.Listener {
	if s.tlsMode == tlsOff {
		return l
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatalf("smtptest: key: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatalf("smtptest: certificate: %v", err)
	}
	cert, _ := x509.ParseCertificate(der)
	s.roots = x509.NewCertPool()
	s.roots.AddCert(cert)
	cfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
	if s.tlsMode == tlsImplicit {
		return tls.NewListener(l, cfg)
	}
	s.srv.TLSConfig = cfg
	return l
}

// TLSMessages counts the accepted messages that arrived over TLS.
func (s *Server) TLSMessages() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.msgs {
		if m.TLS {
			n++
		}
	}
	return n
}
