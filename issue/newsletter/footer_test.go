package newsletter

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFooterAddressAndManageLink: every email shows the postal address
// and links the member's delivery page, in HTML and in plain text, and
// templates that drop either are refused.
func TestFooterAddressAndManageLink(t *testing.T) {
	const addr = "Folio Weekly, 14 Lantern Row & Co., Portland, ME 04101"
	r, err := New(Options{Address: addr})
	if err != nil {
		t.Fatal(err)
	}
	e, err := r.Edition(sampleIssue())
	if err != nil {
		t.Fatal(err)
	}
	msg, err := e.Render(Recipient{Email: "m@example.org", UnsubscribeURL: "https://example.org/u/t", ManageURL: "https://example.org/m/t"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Folio Weekly, 14 Lantern Row &amp; Co., Portland, ME 04101", `href="https://example.org/m/t"`, ">Manage your delivery</a>"} {
		if !strings.Contains(msg.HTML, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	for _, want := range []string{addr, "Manage your delivery (a break, the PDF attached or linked): https://example.org/m/t"} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	// Without a ManageURL the unsubscribe page stands in.
	msg, err = e.Render(Recipient{Email: "m@example.org", UnsubscribeURL: "https://example.org/u/t"})
	if err != nil || !strings.Contains(msg.Text, "linked): https://example.org/u/t") {
		t.Errorf("default manage link: %v\n%s", err, msg.Text)
	}
	if _, err := e.Render(Recipient{Email: "m@example.org", UnsubscribeURL: "https://example.org/u/t", ManageURL: "javascript:alert(1)"}); err == nil {
		t.Error("a javascript: manage link was accepted")
	}

	layout := string(must(t, "email/layout.html"))
	text := string(must(t, "email/text.txt"))
	tests := []struct {
		name, file, src string
		opts            Options
		want            error
	}{
		{"HTML without the manage link", "email/layout.html", strings.Replace(layout, "{{.Member.ManageURL}}", "https://example.org/", 1), Options{}, ErrNoManage},
		{"text without the manage link", "email/text.txt", strings.Replace(text, "{{.Member.ManageURL}}", "", 1), Options{}, ErrNoManage},
		{"HTML without the address", "email/layout.html", strings.Replace(layout, "{{- with .Address}}", "{{- with .Preheader}}", 1), Options{Address: addr}, ErrNoAddress},
		{"text without the address", "email/text.txt", strings.Replace(text, "{{- with .Address}}", "{{- with .Preheader}}", 1), Options{Address: addr}, ErrNoAddress},
	}
	for _, tc := range tests {
		tc.opts.Templates = withFile(t, tc.file, []byte(tc.src))
		if _, err := New(tc.opts); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

func must(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "templates", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
