package mailer_test

import (
	"bytes"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/foliopress/folio/internal/dkimtest"
	"github.com/foliopress/folio/mailer"
)

// dkimKeys makes an RSA-2048 and an Ed25519 key and the TXT records that
// publish them for weekly.example.org (once per test binary: an RSA key
// takes seconds under the race detector).
func dkimKeys(t *testing.T) ([]mailer.DKIMKey, map[string]string) {
	t.Helper()
	keysOnce.Do(func() { testKeys, testRecords = newDKIMKeys(t) })
	if testKeys == nil {
		t.Fatal("no test keys")
	}
	return testKeys, testRecords
}

var (
	keysOnce    sync.Once
	testKeys    []mailer.DKIMKey
	testRecords map[string]string
)

func newDKIMKeys(t *testing.T) ([]mailer.DKIMKey, map[string]string) {
	t.Helper()
	records := map[string]string{}
	var keys []mailer.DKIMKey
	for _, k := range []struct{ alg, sel string }{{"rsa", "rsa2026"}, {"ed25519", "ed2026"}} {
		key, _, err := mailer.GenerateDKIMKey(k.alg)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := mailer.DKIMRecord(key)
		if err != nil {
			t.Fatal(err)
		}
		records[k.sel+"._domainkey.weekly.example.org"] = rec
		keys = append(keys, mailer.DKIMKey{Selector: k.sel, Key: key})
	}
	return keys, records
}

// signedMessage renders a member's message with every bulk header and a
// Reply-To, signed with keys for the From address's domain.
func signedMessage(t *testing.T, keys []mailer.DKIMKey) []byte {
	t.Helper()
	d, err := mailer.NewDKIM("Folio Weekly <issues@weekly.example.org>", "", keys)
	if err != nil {
		t.Fatal(err)
	}
	if d.Domain != "weekly.example.org" {
		t.Fatalf("d= %q, want the From address's domain", d.Domain)
	}
	spec := mailer.MessageSpec{
		From:              mail.Address{Name: "Folio Weekly", Address: "issues@weekly.example.org"},
		ReplyTo:           &mail.Address{Name: "The Editors", Address: "editors@weekly.example.org"},
		To:                mail.Address{Name: "Zoë Lindqvist", Address: "zoe@example.net"},
		Date:              time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC),
		MessageID:         "2026-W10.7.abcdef@weekly.example.org",
		ListID:            "newsletter.weekly.example.org",
		FeedbackID:        "2026-W10:print:folio:weekly.example.org",
		UnsubscribeMailto: "mailto:u-7-tok@weekly.example.org",
	}
	msg, err := mailer.RenderMessage(spec, &mailer.Content{
		Subject:        "Folio Weekly — Issue 10",
		Text:           "Dear Zoë,\n\nThis week's issue.\n.\n",
		HTML:           "<p>Dear Zoë,</p><p>This week’s issue.</p>",
		UnsubscribeURL: "https://weekly.example.org/u/" + strings.Repeat("t", 120),
	})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := d.Sign(msg)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// TestDKIMVerifiesWithIndependentVerifiers: a message signed with an
// RSA-2048 and an Ed25519 key at once verifies in dkimpy and in
// OpenDKIM, signature by signature, for d= the From address's domain;
// the signed headers are the ones bulk receivers check, with From,
// Subject and both List-Unsubscribe headers oversigned.
func TestDKIMVerifiesWithIndependentVerifiers(t *testing.T) {
	keys, records := dkimKeys(t)
	msg := signedMessage(t, keys)
	vs := dkimtest.Dkimpy(t, msg, records)
	if len(vs) != 2 {
		t.Fatalf("%d signatures, want 2: %+v", len(vs), vs)
	}
	wantH := "From:From:To:Subject:Subject:Date:Message-ID:Reply-To:List-Unsubscribe:List-Unsubscribe:" +
		"List-Unsubscribe-Post:List-Unsubscribe-Post:List-Id:Feedback-ID:MIME-Version:Content-Type"
	algs := map[string]string{}
	for _, v := range vs {
		if !v.OK || v.Domain != "weekly.example.org" {
			t.Errorf("dkimpy: %+v", v)
		}
		if !strings.EqualFold(v.Headers, wantH) {
			t.Errorf("s=%s h=%s\nwant h=%s", v.Selector, v.Headers, wantH)
		}
		algs[v.Selector] = v.Algo
	}
	if algs["rsa2026"] != "rsa-sha256" || algs["ed2026"] != "ed25519-sha256" {
		t.Errorf("algorithms %v", algs)
	}
	for i := range keys {
		if err := dkimtest.OpenDKIM(t, onlySignature(t, msg, i), records); err != nil {
			t.Errorf("signature %d (s=%s): %v", i, keys[i].Selector, err)
		}
	}
	// go-msgauth, a third verifier (Folio signs on its own).
	lookup := func(name string) ([]string, error) {
		if r, ok := records[name]; ok {
			return []string{r}, nil
		}
		return nil, fmt.Errorf("no TXT record at %s", name)
	}
	gv, err := dkim.VerifyWithOptions(bytes.NewReader(msg), &dkim.VerifyOptions{LookupTXT: lookup})
	if err != nil || len(gv) != 2 {
		t.Fatalf("go-msgauth: %d verifications, %v", len(gv), err)
	}
	for _, v := range gv {
		if v.Err != nil || v.Domain != "weekly.example.org" {
			t.Errorf("go-msgauth: d=%s: %v", v.Domain, v.Err)
		}
	}
}

// TestDKIMBreaksWhenTampered: an added second From, Subject or
// List-Unsubscribe header, or a changed body, fails every signature in
// dkimpy, and the body change fails OpenDKIM too.
func TestDKIMBreaksWhenTampered(t *testing.T) {
	keys, records := dkimKeys(t)
	msg := signedMessage(t, keys)
	at := bytes.Index(msg, []byte("\r\nFrom:")) + 2 // below the signatures
	for name, bad := range map[string][]byte{
		"second From":             insert(msg, at, "From: Folio Weekly <issues@weekly.example.org>\r\n"),
		"second Subject":          insert(msg, at, "Subject: Act now\r\n"),
		"second List-Unsubscribe": insert(msg, at, "List-Unsubscribe: <https://evil.example/u>\r\n"),
		"second One-Click":        insert(msg, at, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"),
		"body":                    bytes.Replace(msg, []byte("This week"), []byte("That week"), 1),
	} {
		t.Run(name, func(t *testing.T) {
			for _, v := range dkimtest.Dkimpy(t, bad, records) {
				if v.OK {
					t.Errorf("s=%s still verifies", v.Selector)
				}
			}
			if name == "body" {
				if err := dkimtest.OpenDKIM(t, onlySignature(t, bad, 0), records); err == nil {
					t.Error("OpenDKIM accepts a changed body")
				}
			}
		})
	}
}

// TestDKIMKeyChecks: NewDKIM refuses a domain taken from a raw
// `Name <addr>` string, short RSA keys and a selector used twice.
func TestDKIMKeyChecks(t *testing.T) {
	keys, _ := dkimKeys(t)
	if _, err := mailer.NewDKIM("issues@weekly.example.org", "weekly.example.org>", keys); err == nil {
		t.Error("domain \"weekly.example.org>\" accepted")
	}
	if _, err := mailer.NewDKIM("issues@weekly.example.org", "", []mailer.DKIMKey{keys[0], keys[0]}); err == nil {
		t.Error("a selector used twice accepted")
	}
	if _, err := mailer.NewDKIM("issues@weekly.example.org", "", nil); err == nil {
		t.Error("no keys accepted")
	}
}

func insert(msg []byte, at int, header string) []byte {
	out := append([]byte(nil), msg[:at]...)
	out = append(out, header...)
	return append(out, msg[at:]...)
}

// onlySignature is msg with only its i-th DKIM-Signature header, for a
// verifier that reports on the message as a whole.
func onlySignature(t *testing.T, msg []byte, i int) []byte {
	t.Helper()
	var sigs [][]byte
	rest := msg
	for bytes.HasPrefix(rest, []byte("DKIM-Signature:")) {
		end := 0
		for {
			n := bytes.Index(rest[end:], []byte("\r\n"))
			end += n + 2
			if end >= len(rest) || (rest[end] != ' ' && rest[end] != '\t') {
				break
			}
		}
		sigs = append(sigs, rest[:end])
		rest = rest[end:]
	}
	if i >= len(sigs) {
		t.Fatalf("message has %d signatures", len(sigs))
	}
	return append(append([]byte(nil), sigs[i]...), rest...)
}
