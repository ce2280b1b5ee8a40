package inbound_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foliopress/folio/internal/inbound"
)

func BenchmarkParse(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "corpus", "postfix-user-unknown.eml"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := inbound.Parse(raw, inbound.Envelope{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseJunk is a megabyte of text that looks almost like a
// bounce: parsing stays linear.
func BenchmarkParseJunk(b *testing.B) {
	raw := []byte("From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail\n\n" + strings.Repeat("550 5.1.1 <a@b.example> user unknown @@@ <<>> ;; ", 20000))
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := inbound.Parse(raw, inbound.Envelope{}); err != nil {
			b.Fatal(err)
		}
	}
}
