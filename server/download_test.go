package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestPersonalPDFLink: the email's personal download link serves an issue
// in the member's archive, and nothing else.
func TestPersonalPDFLink(t *testing.T) {
	e := archiveFixture(t)
	ada, grace, alan := e.members["ada@example.org"], e.members["grace@example.org"], e.members["alan@example.org"]
	tests := []struct {
		name string
		link string
		code int
	}{
		{"ada, an issue she got", e.links.Archive(ada) + "/2026-W11/issue.pdf", http.StatusOK},
		{"grace, the issue before she left", e.links.Archive(grace) + "/2026-W10/issue.pdf", http.StatusOK},
		{"grace, the issue after she left", e.links.Archive(grace) + "/2026-W11/issue.pdf", http.StatusNotFound},
		{"alan, tier not covered", e.links.Archive(alan) + "/2026-W10/issue.pdf", http.StatusNotFound},
		{"ada, built but never sent", e.links.Archive(ada) + "/2026-W12/issue.pdf", http.StatusNotFound},
		{"ada, bad week", e.links.Archive(ada) + "/2026-w10/issue.pdf", http.StatusNotFound},
		{"unsubscribe token", e.links.Unsubscribe(ada) + "/2026-W10/issue.pdf", http.StatusNotFound},
		{"altered token", strings.Replace(e.links.Archive(ada), "/archive/", "/archive/x", 1) + "/2026-W10/issue.pdf", http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := e.snapshot("2026-W10", "2026-W11")
			res, body := e.do("GET", e.path(tc.link), nil, nil)
			if res.StatusCode != tc.code {
				t.Fatalf("GET %s: %d, want %d", tc.link, res.StatusCode, tc.code)
			}
			if tc.code == http.StatusOK && (res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF")) {
				t.Errorf("not a PDF: %s", res.Header.Get("Content-Type"))
			}
			assertUnchanged(t, before, e.snapshot("2026-W10", "2026-W11"))
		})
	}
}
