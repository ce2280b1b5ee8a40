package smtptest

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
)

// CheckTree parses a message: multipart/mixed holding multipart/alternative
// (text/plain, text/html, both greeting name) and the application/pdf
// attachment holding pdf.
func CheckTree(t testing.TB, data []byte, name string, pdf []byte) {
	t.Helper()
	pm, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	mt, params, err := mime.ParseMediaType(pm.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("top Content-Type %q (%v)", pm.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(pm.Body, params["boundary"])
	alt, err := mr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	amt, aparams, _ := mime.ParseMediaType(alt.Header.Get("Content-Type"))
	if amt != "multipart/alternative" {
		t.Fatalf("first part %q, want multipart/alternative", amt)
	}
	ar := multipart.NewReader(alt, aparams["boundary"])
	for _, want := range []string{"text/plain", "text/html"} {
		p, err := ar.NextPart() // multipart.Reader decodes quoted-printable
		if err != nil {
			t.Fatalf("alternative %s: %v", want, err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		body, _ := io.ReadAll(p)
		if ct != want || !strings.Contains(string(body), "Dear "+name) {
			t.Errorf("alternative part %q (want %q) body %q", ct, want, body)
		}
	}
	att, err := mr.NextPart()
	if err != nil {
		t.Fatalf("attachment: %v", err)
	}
	if ct, _, _ := mime.ParseMediaType(att.Header.Get("Content-Type")); ct != "application/pdf" {
		t.Errorf("attachment type %q", ct)
	}
	if !strings.Contains(att.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("attachment disposition %q", att.Header.Get("Content-Disposition"))
	}
	raw, _ := io.ReadAll(att)
	dec, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(raw)))
	if err != nil || !bytes.Equal(dec, pdf) {
		t.Errorf("PDF bytes changed in transit (%v)", err)
	}
	if _, err := mr.NextPart(); err != io.EOF {
		t.Errorf("extra part after the PDF: %v", err)
	}
}
