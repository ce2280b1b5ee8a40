package newsletter

import (
	"strings"
	"testing"
)

// TestIssueURLIsPersonal: with a member's own issue address, every link
// into the issue — view in the browser, each review, the PDF — starts
// with it, in both parts; only the photos stay at their public address
// (mail clients fetch them without a login). Without one, the links use
// the public issue address.
func TestIssueURLIsPersonal(t *testing.T) {
	e := testEdition(t, Options{}, 12)
	const own = "https://weekly.example.org/archive/tok3n/2026-W10/"
	rc := member("Ana")
	rc.IssueURL = own
	msg, err := e.Render(rc)
	if err != nil {
		t.Fatal(err)
	}
	for part, doc := range map[string]string{"HTML": msg.HTML, "text": msg.Text} {
		if n := strings.Count(doc, own); n < 14 {
			t.Errorf("%s: %d links start with the member's issue address, want one per review and more", part, n)
		}
		for _, want := range []string{own + "#", own + "issue.pdf"} {
			if !strings.Contains(doc, want) {
				t.Errorf("%s lacks %q", part, want)
			}
		}
		rest := strings.ReplaceAll(doc, "https://weekly.example.org/issues/2026-W10/images/", "")
		if strings.Contains(rest, "/issues/2026-W10") {
			t.Errorf("%s still links the public issue address", part)
		}
	}
	public, err := e.Render(member("Bo"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(public.HTML, `href="https://weekly.example.org/issues/2026-W10/"`) || strings.Contains(public.HTML, "/archive/tok3n") {
		t.Error("without an issue address the email does not link the public issue")
	}
	for _, bad := range []string{"javascript:alert(1)//", "https://weekly.example.org/archive/x/2026-W10"} {
		rc.IssueURL = bad
		if _, err := e.Render(rc); err == nil {
			t.Errorf("issue URL %q accepted", bad)
		}
	}
}
