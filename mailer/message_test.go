package mailer_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/mailer"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func spec(to mail.Address) mailer.MessageSpec {
	return mailer.MessageSpec{
		From:              mail.Address{Name: "Folio Weekly", Address: "issues@weekly.example.org"},
		To:                to,
		Date:              time.Date(2019, 10, 11, 7, 0, 0, 0, time.FixedZone("EDT", -4*3600)),
		MessageID:         mailer.MessageID("2019-W41", 42, "weekly.example.org"),
		ListID:            "newsletter.weekly.example.org",
		FeedbackID:        "2019-W41:print:folio:weekly.example.org",
		UnsubscribeMailto: "mailto:issues@weekly.example.org?subject=unsubscribe",
	}
}

func content() *mailer.Content {
	c, _ := composer("2019-W41").Compose(context.Background(), mailer.Member{ID: 42, Name: "Ann Lee"})
	return c
}

func TestMessageGolden(t *testing.T) {
	data, err := mailer.RenderMessage(spec(mail.Address{Name: "Ann Lee", Address: "ann@example.org"}), content())
	if err != nil {
		t.Fatal(err)
	}
	got := data
	golden := filepath.Join("testdata", "message.eml.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("message differs from %s (run go test -update to accept):\n%s", golden, got)
	}
}

func TestMessageHeadersAndTree(t *testing.T) {
	data, err := mailer.RenderMessage(spec(mail.Address{Name: "Ann Lee", Address: "ann@example.org"}), content())
	if err != nil {
		t.Fatal(err)
	}
	checkTree(t, data, "Ann Lee")
	pm, _ := mail.ReadMessage(bytes.NewReader(data))
	h := pm.Header
	wantHeaders := map[string]string{
		"Message-Id":            "<2019-W41.42." + strings.Split(strings.Split(h.Get("Message-Id"), ".")[2], "@")[0] + "@weekly.example.org>",
		"List-Unsubscribe":      "<https://weekly.example.org/u/tok42>, <mailto:issues@weekly.example.org?subject=unsubscribe>",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		"List-Id":               `"Folio Weekly" <newsletter.weekly.example.org>`,
		"Auto-Submitted":        "auto-generated",
		"Feedback-Id":           "2019-W41:print:folio:weekly.example.org",
		"Date":                  "Fri, 11 Oct 2019 07:00:00 -0400",
	}
	for k, v := range wantHeaders {
		if got := h.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	for _, k := range []string{"User-Agent", "X-Mailer"} {
		if h.Get(k) != "" {
			t.Errorf("unexpected %s: %q", k, h.Get(k))
		}
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subj != "Folio Weekly — Issue 2019-W41" {
		t.Errorf("Subject = %q (%v)", subj, err)
	}
	if id := mailer.MessageID("2019-W41", 42, "weekly.example.org"); id != mailer.MessageID("2019-W41", 42, "weekly.example.org") ||
		id == mailer.MessageID("2019-W41", 43, "weekly.example.org") || id == mailer.MessageID("2019-W42", 42, "weekly.example.org") {
		t.Error("Message-ID not deterministic and unique per (issue, member)")
	}
}

// checkTree parses a message: multipart/mixed holding multipart/alternative
// (text/plain, text/html, both greeting name) and the application/pdf.
func checkTree(t *testing.T, data []byte, name string) {
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
	pdf, err := mr.NextPart()
	if err != nil {
		t.Fatalf("attachment: %v", err)
	}
	if ct, _, _ := mime.ParseMediaType(pdf.Header.Get("Content-Type")); ct != "application/pdf" {
		t.Errorf("attachment type %q", ct)
	}
	if !strings.Contains(pdf.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("attachment disposition %q", pdf.Header.Get("Content-Disposition"))
	}
	raw, _ := io.ReadAll(pdf)
	dec, err := decodeBase64(raw)
	if err != nil || !bytes.Equal(dec, fakePDF) {
		t.Errorf("PDF bytes changed in transit (%v)", err)
	}
	if _, err := mr.NextPart(); err != io.EOF {
		t.Errorf("extra part after the PDF: %v", err)
	}
}

func TestHeaderInjectionIsEncoded(t *testing.T) {
	evil := []mail.Address{
		{Name: "Eve\r\nBcc: victim@example.com", Address: "eve@example.org"},
		{Name: "Mallory\nX-Injected: yes", Address: "mallory@example.org"},
		{Name: `"Quoted" \ Name`, Address: "q@example.org"},
		{Name: "Zoë Ñúñez, \"Z\"", Address: "zoe@example.org"},
	}
	for _, to := range evil {
		c := content()
		c.Subject = "Hello\r\nBcc: victim@example.com"
		data, err := mailer.RenderMessage(spec(to), c)
		if err != nil {
			t.Fatal(err)
		}
		pm, err := mail.ReadMessage(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"Bcc", "X-Injected"} {
			if v := pm.Header.Get(k); v != "" {
				t.Errorf("%q injected header %s: %q", to.Name, k, v)
			}
		}
		addrs, err := pm.Header.AddressList("To")
		if err != nil || len(addrs) != 1 || addrs[0].Address != to.Address {
			t.Errorf("To of %q parsed as %v (%v)", to.Name, addrs, err)
			continue
		}
		wantName := strings.NewReplacer("\r", " ", "\n", " ").Replace(to.Name)
		if addrs[0].Name != wantName {
			t.Errorf("To name %q, want %q", addrs[0].Name, wantName)
		}
	}
}

func TestOutboxWritesParseableEML(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	conn, err := mailer.NewOutbox(dir).Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := mailer.RenderMessage(spec(mail.Address{Name: "Ann Lee", Address: "ann@example.org"}), content())
	reply, err := conn.Deliver(ctx, &mailer.Outgoing{IssueID: "2019-W41", MemberID: 42, To: "ann@example.org", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reply, "2019-W41.42.eml") {
		t.Errorf("reply %q", reply)
	}
	got, err := os.ReadFile(filepath.Join(dir, "2019-W41.42.eml"))
	if err != nil {
		t.Fatal(err)
	}
	checkTree(t, got, "Ann Lee")
	left, _ := filepath.Glob(filepath.Join(dir, ".tmp-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestInlineImagesGoInMultipartRelated(t *testing.T) {
	c := content()
	c.HTML = `<p>Dear Ann Lee,</p><img src="cid:cover@folio">`
	c.Inline = []mailer.Attachment{{Name: "cover.png", ContentType: "image/png", Data: []byte("\x89PNG fake"), CID: "cover@folio"}}
	data, err := mailer.RenderMessage(spec(mail.Address{Name: "Ann Lee", Address: "ann@example.org"}), c)
	if err != nil {
		t.Fatal(err)
	}
	pm, _ := mail.ReadMessage(bytes.NewReader(data))
	_, params, _ := mime.ParseMediaType(pm.Header.Get("Content-Type"))
	mixed := multipart.NewReader(pm.Body, params["boundary"])
	rel, err := mixed.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	rt, rparams, _ := mime.ParseMediaType(rel.Header.Get("Content-Type"))
	if rt != "multipart/related" {
		t.Fatalf("first part of mixed is %s, want multipart/related", rt)
	}
	related := multipart.NewReader(rel, rparams["boundary"])
	alt, _ := related.NextPart()
	if at, _, _ := mime.ParseMediaType(alt.Header.Get("Content-Type")); at != "multipart/alternative" {
		t.Fatalf("related starts with %s", at)
	}
	img, err := related.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	if img.Header.Get("Content-Id") != "<cover@folio>" || !strings.HasPrefix(img.Header.Get("Content-Type"), "image/png") {
		t.Errorf("inline image headers %v", img.Header)
	}
	if pdf, err := mixed.NextPart(); err != nil || !strings.HasPrefix(pdf.Header.Get("Content-Type"), "application/pdf") {
		t.Errorf("PDF after related: %v", err)
	}
}
