package server_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
)

// outboxFiles counts the messages the editor's sender wrote.
func (e *env) outboxFiles() int {
	entries, err := os.ReadDir(e.outbox)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return len(entries)
}

// settle waits for sends started from the API (there should be none).
func (e *env) settle() {
	e.ts.Close()
	if err := e.srv.Close(); err != nil {
		e.t.Fatal(err)
	}
}

func bearer(tok string) http.Header {
	return http.Header{"Authorization": {"Bearer " + tok}, "Content-Type": {"application/json"}}
}

func TestRejectedRequestsChangeNothing(t *testing.T) {
	e := newEnv(t, adminToken)
	e.buildIssue("2026-W10", []testReview{{Section: "Film", Title: "Lanterns at Low Tide"}})
	ada := e.members["ada@example.org"]
	unsub := e.path(e.links.Unsubscribe(ada))
	arch := e.path(e.links.Archive(ada))
	big := []byte(oneClick + "&pad=" + strings.Repeat("x", 8<<10))
	bigJSON := []byte(`{"to": "ed@example.org", "pad": "` + strings.Repeat("x", 8<<10) + `"}`)
	jsonOnly := http.Header{"Content-Type": {"application/json"}}

	cases := []struct {
		name         string
		method, path string
		body         []byte
		chunked      bool
		header       http.Header
		want         int
	}{
		// Oversized bodies, declared and chunked.
		{"unsubscribe body too large", "POST", unsub, big, false, form, 413},
		{"unsubscribe chunked body too large", "POST", unsub, big, true, form, 413},
		{"test send body too large", "POST", "/api/weeks/2026-W10/test", bigJSON, false, bearer(adminToken), 413},
		{"test send chunked body too large", "POST", "/api/weeks/2026-W10/test", bigJSON, true, bearer(adminToken), 413},
		{"send body too large", "POST", "/api/weeks/2026-W10/send", bigJSON, true, bearer(adminToken), 413},
		// Wrong methods.
		{"PUT unsubscribe", "PUT", unsub, []byte(oneClick), false, form, 405},
		{"DELETE unsubscribe", "DELETE", unsub, nil, false, nil, 405},
		{"POST archive", "POST", arch, []byte(oneClick), false, form, 405},
		{"POST web version", "POST", "/issues/2026-W10/", nil, false, nil, 405},
		{"DELETE pdf", "DELETE", "/issues/2026-W10/issue.pdf", nil, false, nil, 405},
		{"GET send", "GET", "/api/weeks/2026-W10/send", nil, false, bearer(adminToken), 405},
		{"PUT week", "PUT", "/api/weeks/2026-W10", nil, false, bearer(adminToken), 405},
		{"DELETE test", "DELETE", "/api/weeks/2026-W10/test", nil, false, nil, 405},
		{"POST healthz", "POST", "/healthz", nil, false, nil, 405},
		// Unsubscribe without the RFC 8058 body.
		{"POST without one-click", "POST", unsub, []byte("List-Unsubscribe=Maybe"), false, form, 400},
		{"POST empty", "POST", unsub, nil, false, nil, 400},
		// The editor API without or with a wrong token.
		{"send without token", "POST", "/api/weeks/2026-W10/send", nil, false, jsonOnly, 401},
		{"send wrong token", "POST", "/api/weeks/2026-W10/send", nil, false, bearer("guess"), 401},
		{"send token prefix", "POST", "/api/weeks/2026-W10/send", nil, false, bearer(adminToken[:10]), 401},
		{"send token plus", "POST", "/api/weeks/2026-W10/send", nil, false, bearer(adminToken + "x"), 401},
		{"send empty token", "POST", "/api/weeks/2026-W10/send", nil, false, bearer(""), 401},
		{"send basic auth", "POST", "/api/weeks/2026-W10/send", nil, false,
			http.Header{"Authorization": {"Basic " + adminToken}}, 401},
		{"send token in query", "POST", "/api/weeks/2026-W10/send?token=" + adminToken, nil, false, nil, 401},
		{"test without token", "POST", "/api/weeks/2026-W10/test", []byte(`{"to":"ed@example.org"}`), false, jsonOnly, 401},
		{"test wrong token", "POST", "/api/weeks/2026-W10/test", []byte(`{"to":"ed@example.org"}`), false, bearer("nope"), 401},
		{"week without token", "GET", "/api/weeks/2026-W10", nil, false, nil, 401},
		// Bad input with the right token.
		{"test bad address", "POST", "/api/weeks/2026-W10/test", []byte(`{"to":"ed@example.org\r\nBcc: x@y.org"}`), false, bearer(adminToken), 400},
		{"test unknown field", "POST", "/api/weeks/2026-W10/test", []byte(`{"to":"ed@example.org","bcc":"x@y.org"}`), false, bearer(adminToken), 400},
		{"test not JSON", "POST", "/api/weeks/2026-W10/test", []byte(`to=ed@example.org`), false,
			http.Header{"Authorization": {"Bearer " + adminToken}, "Content-Type": {"application/x-www-form-urlencoded"}}, 415},
		{"send bad week", "POST", "/api/weeks/2026-W99/send", nil, false, bearer(adminToken), 400},
		{"send with parameters", "POST", "/api/weeks/2026-W10/send", []byte(`{"all": true}`), false, bearer(adminToken), 400},
	}
	before := e.snapshot("2026-W10")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader = bytes.NewReader(tc.body)
			if tc.chunked {
				body = io.MultiReader(bytes.NewReader(tc.body)) // unknown length: sent chunked
			}
			req, err := http.NewRequest(tc.method, e.ts.URL+tc.path, body)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.header {
				req.Header[k] = v
			}
			res, err := e.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			out, _ := io.ReadAll(res.Body)
			_ = res.Body.Close()
			if res.StatusCode != tc.want {
				t.Errorf("%s %s: %d, want %d (%s)", tc.method, tc.name, res.StatusCode, tc.want, out)
			}
			if tc.want == 401 && res.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("401 without WWW-Authenticate")
			}
			if tc.want == 405 && res.Header.Get("Allow") == "" {
				t.Errorf("405 without Allow")
			}
			if strings.HasPrefix(tc.path, "/api/") && !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
				t.Errorf("API error is %s, want JSON", res.Header.Get("Content-Type"))
			}
			assertUnchanged(t, before, e.snapshot("2026-W10"))
		})
	}
	e.settle()
	assertUnchanged(t, before, e.snapshot("2026-W10"))
	if n := e.outboxFiles(); n != 0 {
		t.Errorf("%d messages went out from rejected requests", n)
	}
}

func TestAPIDisabledWithoutToken(t *testing.T) {
	e := newEnv(t, "")
	before := e.snapshot("2026-W10")
	for _, tc := range []struct{ method, path string }{
		{"POST", "/api/weeks/2026-W10/send"},
		{"POST", "/api/weeks/2026-W10/test"},
		{"GET", "/api/weeks/2026-W10"},
	} {
		for _, h := range []http.Header{nil, bearer(""), bearer("anything")} {
			if res, _ := e.do(tc.method, tc.path, []byte(`{"to":"ed@example.org"}`), h); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s with %v: %d, want 404", tc.method, tc.path, h, res.StatusCode)
			}
		}
	}
	e.settle()
	assertUnchanged(t, before, e.snapshot("2026-W10"))
	if n := e.outboxFiles(); n != 0 {
		t.Errorf("%d messages went out", n)
	}
}
