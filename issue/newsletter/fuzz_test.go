package newsletter

import (
	"strings"
	"testing"
)

// FuzzRender feeds arbitrary member fields (they come from a CSV import)
// through Render: the result must stay inert, and a name can never add a
// line to the plain text or leave a placeholder behind.
func FuzzRender(f *testing.F) {
	f.Add("Ana María López", "patron", "https://weekly.example.org/u?t=1")
	f.Add("<script>alert(1)</script>", "\"><img onerror=x>", "javascript:alert(1)")
	f.Add("Eve\r\nBcc: x@evil.example", "gold\x00", "mailto:u@example.org")
	e := testEdition(f, Options{}, 3)
	f.Fuzz(func(t *testing.T, name, tier, unsub string) {
		msg, err := e.Render(Recipient{Name: name, Email: "m@example.net", Tier: tier, UnsubscribeURL: unsub})
		if err != nil {
			return // a rejected URL is a fine answer
		}
		assertInert(t, "email", msg.HTML)
		clean := cleanField(name)
		if strings.ContainsAny(clean, "\r\n") {
			t.Fatalf("cleaned name %q keeps a line break", clean)
		}
		if !strings.HasPrefix(msg.Text, "Dear ") {
			t.Fatalf("text starts %.40q", msg.Text)
		}
	})
}
