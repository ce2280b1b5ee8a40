package mailer_test

import (
	"bytes"
	"context"
	"flag"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/mailer/smtptest"

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

// fakePDF is a small stand-in for the issue PDF: the tests check the
// bytes survive the trip, not that it is a PDF.
var fakePDF = []byte("%PDF-1.7\n% folio test issue\n" + strings.Repeat("0123456789abcdef", 64) + "\n%%EOF\n")

// content is Ann Lee's copy of a tiny issue, the PDF attached.
func content() *mailer.Content {
	return &mailer.Content{
		Subject:        "Folio Weekly — Issue 2019-W41",
		Text:           "Dear Ann Lee,\n\nThis week's issue is attached.\n",
		HTML:           "<p>Dear Ann Lee,</p><p>This week’s issue is attached.</p>",
		Attachments:    []mailer.Attachment{{Name: "folio-2019-W41.pdf", ContentType: "application/pdf", Data: fakePDF}},
		UnsubscribeURL: "https://weekly.example.org/u/tok42",
	}
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
	smtptest.CheckTree(t, data, "Ann Lee", fakePDF)
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
	reply, err := conn.Deliver(ctx, &mailer.Outgoing{IssueID: "2019-W41", MemberID: 42, From: "bounces+x@weekly.example.org", To: "ann@example.org", Data: data})
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
	smtptest.CheckTree(t, got, "Ann Lee", fakePDF)
	if !strings.HasPrefix(string(got), "Return-Path: <bounces+x@weekly.example.org>\r\nFrom: ") {
		t.Errorf("the file does not start with the envelope sender as Return-Path: %.80q", got)
	}
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
