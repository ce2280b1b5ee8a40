package server_test

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// FuzzRequests feeds arbitrary request lines and bodies to the handler.
// Without the secret no request can unsubscribe anyone, so whatever
// arrives: no 5xx, nothing outside the build folder is served, and the
// store does not change.
func FuzzRequests(f *testing.F) {
	e := newEnv(f, adminToken)
	e.buildIssue("2026-W10", []testReview{{Section: "Film", Title: "Lanterns at Low Tide", Photo: true}})
	e.sendWeek("2026-W10")
	before := e.snapshot("2026-W10")
	h := e.srv.Handler()
	seeds := []struct{ method, target, body string }{
		{"GET", "/issues/2026-W10/", ""},
		{"GET", "/issues/2026-W10/images/W10-review-0.jpg", ""},
		{"GET", "/issues/2026-W10/images/..%2f..%2fsecret.txt", ""},
		{"GET", "/issues/2026-w10/images/../../secret.txt", ""},
		{"GET", "/issues/%2e%2e/secret.txt", ""},
		{"POST", "/u/AAAAAAAAAAEAAAAAaa.bbbb", oneClick},
		{"GET", "/archive/" + tokenOf(e.links.Archive(e.members["ada@example.org"])) + "x", ""},
		{"POST", "/api/weeks/2026-W10/test", `{"to":"a@b.org"}`},
		{"GET", "/api/weeks/9999-W99", ""},
		{"GET", "/metrics", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.target, s.body)
	}
	f.Fuzz(func(t *testing.T, method, target, body string) {
		raw := method + " " + target + " HTTP/1.1\r\nHost: folio.test\r\n" +
			"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
			strconv.Itoa(len(body)) + "\r\n\r\n" + body
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			return // the http.Server would have refused it too
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Errorf("%s %q: %d", method, target, rec.Code)
		}
		if strings.Contains(rec.Body.String(), secretContent) {
			t.Fatalf("%s %q served the file outside the build folder", method, target)
		}
		if strings.HasPrefix(req.URL.Path, "/api/") && rec.Code != 401 && rec.Code != 405 && rec.Code != 404 && rec.Code != 413 {
			t.Fatalf("%s %q reached the API without the token: %d", method, target, rec.Code)
		}
		assertUnchanged(t, before, e.snapshotOf(t, "2026-W10"))
	})
}
