package server_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/server"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func assertUnchanged(t testing.TB, before, after snapshot) {
	t.Helper()
	if !reflect.DeepEqual(before, after) {
		t.Errorf("store changed:\nbefore %+v\nafter  %+v", before, after)
	}
}

// alter flips one character of the token's part (0 payload, 1 signature).
func alter(token string, part int) string {
	p := strings.SplitN(token, ".", 2)
	s := []byte(p[part])
	i := len(s) / 2
	if s[i] == 'A' {
		s[i] = 'B'
	} else {
		s[i] = 'A'
	}
	p[part] = string(s)
	return p[0] + "." + p[1]
}

// tokenOf is the last path segment of a signed link.
func tokenOf(link string) string { return link[strings.LastIndexByte(link, '/')+1:] }

func TestBadTokensAre403AndChangeNothing(t *testing.T) {
	e := newEnv(t, "")
	e.buildIssue("2026-W10", []testReview{{Section: "Film", Title: "Lanterns at Low Tide"}})
	e.sendWeek("2026-W10")
	ada := e.members["ada@example.org"]
	unsub := tokenOf(e.links.Unsubscribe(ada))
	arch := tokenOf(e.links.Archive(ada))

	forger := *e.links
	forger.Secret = []byte("not the server's secret at all")
	otherList := *e.links
	otherList.List = "other.example.org"
	// Links issued long ago: both kinds are past their lifetime now.
	old := *e.links
	old.Now = func() time.Time { return e.clock.Now().Add(-400 * 24 * time.Hour) }
	justExpired := *e.links
	justExpired.Now = func() time.Time { return e.clock.Now().Add(-e.links.TTL) }

	// A token for member 1 re-signed for member 2 by someone without the
	// secret: the payload changes, the signature stays.
	payload, sig, _ := strings.Cut(unsub, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	raw[7]++
	otherMember := base64.RawURLEncoding.EncodeToString(raw) + "." + sig

	tokens := []struct{ name, unsub, arch string }{
		{"forged", tokenOf(forger.Unsubscribe(ada)), tokenOf(forger.Archive(ada))},
		{"altered payload", alter(unsub, 0), alter(arch, 0)},
		{"altered signature", alter(unsub, 1), alter(arch, 1)},
		{"member id changed", otherMember, otherMember},
		// Unsubscribe links never expire (TestOldUnsubscribeLinkStillWorks).
		{"expired", "", tokenOf(old.Archive(ada))},
		{"expired this second", "", tokenOf(justExpired.Archive(ada))},
		{"other list", tokenOf(otherList.Unsubscribe(ada)), tokenOf(otherList.Archive(ada))},
		{"other purpose", arch, unsub},
		{"no signature", payload, strings.SplitN(arch, ".", 2)[0]},
		{"garbage", "hello", "%2e%2e"},
		{"too long", strings.Repeat("A", 600) + "." + sig, strings.Repeat("A", 600) + "." + sig},
	}
	for _, tc := range tokens {
		for _, req := range []struct {
			method, path string
			body         []byte
		}{
			{"GET", "/u/" + tc.unsub, nil},
			{"POST", "/u/" + tc.unsub, []byte(oneClick)},
			{"GET", "/archive/" + tc.arch, nil},
		} {
			if req.path == "/u/" {
				continue
			}
			t.Run(tc.name+"/"+req.method+req.path[:3], func(t *testing.T) {
				before := e.snapshot("2026-W10")
				res, body := e.do(req.method, req.path, req.body, form)
				if res.StatusCode != http.StatusForbidden {
					t.Errorf("%s %s: %d, want 403", req.method, req.path, res.StatusCode)
				}
				if strings.Contains(body, ada.Email) || strings.Contains(body, "Lanterns") {
					t.Errorf("a bad token's page shows member data")
				}
				assertUnchanged(t, before, e.snapshot("2026-W10"))
			})
		}
	}
	if st := e.status(ada.ID); st != member.StatusActive {
		t.Fatalf("Ada is %s after only bad tokens", st)
	}
	// The good tokens still work (so the 403s above were not an accident).
	if res, _ := e.do("GET", "/archive/"+arch, nil, nil); res.StatusCode != http.StatusOK {
		t.Errorf("good archive token: %d", res.StatusCode)
	}
	if res, _ := e.do("POST", "/u/"+unsub, []byte(oneClick), form); res.StatusCode != http.StatusOK {
		t.Errorf("good unsubscribe token: %d", res.StatusCode)
	}
}

// TestRotatingTheSecretKeepsOldLinks: an issue sent before the secret
// was rotated still unsubscribes with one click, as long as the old
// secret is listed in FOLIO_SECRET_PREVIOUS.
func TestRotatingTheSecretKeepsOldLinks(t *testing.T) {
	e := newEnv(t, "")
	ada := e.members["ada@example.org"]
	// The old issue's links, signed a year and a half ago with the old secret.
	oldIssue := *e.links
	oldIssue.Now = func() time.Time { return e.clock.Now().Add(-550 * 24 * time.Hour) }
	unsub, manage := e.path(oldIssue.Unsubscribe(ada)), e.path(oldIssue.Manage(ada))
	rotated := *e.links
	rotated.Secret = []byte("the rotated secret, also long enough")
	rotated.Previous = [][]byte{[]byte("a retired secret from long ago!!"), e.links.Secret}
	srv, err := server.New(server.Config{Links: &rotated, Now: e.clock.Now},
		server.Deps{Members: e.store, Archive: e.store, Issues: e.issues, Lifecycle: &member.Lifecycle{Store: e.store}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", manage, nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), ada.Email) {
		t.Fatalf("old manage link after rotation: %d", rec.Code)
	}
	req := httptest.NewRequest("POST", unsub, strings.NewReader(oneClick))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec = httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("old one-click POST after rotation: %d %s", rec.Code, rec.Body)
	}
	if st := e.status(ada.ID); st != member.StatusUnsubscribed {
		t.Fatalf("ada is %s", st)
	}
	sp, ok, err := e.store.SuppressionOf(context.Background(), ada.Email)
	if err != nil || !ok || sp.Reason != member.ReasonUnsubscribe || sp.Source != "web one-click" {
		t.Fatalf("suppression %+v %v %v", sp, ok, err)
	}
	// Without the previous secret, the same link is refused.
	bare := rotated
	bare.Previous = nil
	srv2, err := server.New(server.Config{Links: &bare},
		server.Deps{Members: e.store, Archive: e.store, Issues: e.issues, Lifecycle: &member.Lifecycle{Store: e.store}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv2.Close()
	rec = httptest.NewRecorder()
	srv2.Handler().ServeHTTP(rec, httptest.NewRequest("GET", unsub, nil))
	if rec.Code != http.StatusForbidden {
		t.Fatalf("without FOLIO_SECRET_PREVIOUS: %d, want 403", rec.Code)
	}
}

func TestRotatingTheSecretRevokesLinks(t *testing.T) {
	e := newEnv(t, "")
	ada := e.members["ada@example.org"]
	link := e.path(e.links.Archive(ada))
	if res, _ := e.do("GET", link, nil, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("before rotation: %d", res.StatusCode)
	}
	// The operator restarts with a new FOLIO_SECRET.
	rotated := *e.links
	rotated.Secret = []byte("the rotated secret, also long enough")
	srv, err := server.New(server.Config{Links: &rotated},
		server.Deps{Members: e.store, Archive: e.store, Issues: e.issues, Lifecycle: &member.Lifecycle{Store: e.store}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", link, nil))
	if rec.Code != http.StatusForbidden {
		t.Fatalf("after rotation: %d, want 403", rec.Code)
	}
}

// raw sends one request line exactly as written (no client-side path
// cleaning) and follows redirects the same way, up to three.
func raw(t *testing.T, addr, target string) (int, string) {
	t.Helper()
	for range 4 {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		_, err = io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: "+addr+"\r\nConnection: close\r\n\r\n")
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		_ = conn.Close()
		if loc := res.Header.Get("Location"); res.StatusCode/100 == 3 && loc != "" {
			if strings.HasPrefix(loc, "http") {
				t.Fatalf("%s redirects off-site to %s", target, loc)
			}
			if !strings.HasPrefix(loc, "/") {
				loc = target[:strings.LastIndexByte(target, '/')+1] + loc
			}
			target = loc
			continue
		}
		return res.StatusCode, string(body)
	}
	t.Fatalf("%s: too many redirects", target)
	return 0, ""
}

func TestPathTraversal(t *testing.T) {
	e := startEnv(t, envOpts{public: true})
	e.buildIssue("2026-W10", []testReview{{Section: "Film", Title: "Lanterns at Low Tide", Photo: true}})
	e.sendWeek("2026-W10")
	base := filepath.Dir(e.out)
	// A symlink planted in the images folder, and a week folder that is a
	// symlink out of the build folder: neither may be followed.
	if err := os.Symlink(filepath.Join(base, "secret.txt"), filepath.Join(e.out, "2026-W10", "images", "evil.jpg")); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(base, "elsewhere")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "index.html"), []byte(secretContent), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(e.out, "2026-W20")); err != nil {
		t.Fatal(err)
	}
	arch := e.path(e.links.Archive(e.members["ada@example.org"]))
	addr := e.ts.Listener.Addr().String()

	cases := []struct {
		target string
		want   int
	}{
		{"/issues/2026-W10/images/../../secret.txt", 404},
		{"/issues/2026-W10/images/../../../secret.txt", 404},
		{"/issues/2026-W10/images/..%2f..%2f..%2fsecret.txt", 404},
		{"/issues/2026-W10/images/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt", 404},
		{"/issues/2026-W10/images/%2e%2e/%2e%2e/%2e%2e/secret.txt", 404},
		{"/issues/2026-W10/images/..%5c..%5c..%5csecret.txt", 404},
		{"/issues/2026-W10/images/%2fetc%2fpasswd", 404},
		{"/issues/2026-W10/images//etc/passwd", 404},
		{"/issues/2026-W10/images/evil.jpg", 404},
		{"/issues/2026-W10/images/.hidden.jpg", 404},
		{"/issues/2026-W10/images/x.jpg%00.png", 404},
		{"/issues/..%2fsecret.txt/issue.pdf", 404},
		{"/issues/%2e%2e/secret.txt", 404},
		{"/issues/2026-W10/../../secret.txt", 404},
		{"/issues/2026-W10/issue.json", 404},
		{"/issues/2026-W10/email.html", 404},
		{"/issues/2026-W20/", 404},
		{"/issues/.2026-W10.tmp-1/", 404},
		{"/issues//etc/passwd", 404},
		{"http://" + addr + "/issues/2026-W10/images/../../../secret.txt", 404},
		{"/archive/..%2f..%2fsecret.txt", 403},
		{"/archive/%2e%2e%2f%2e%2e%2fsecret.txt", 403},
		{arch + "/../../secret.txt", 404},
		{arch + "/2026-W10/images/../../../secret.txt", 403}, // cleaned to /archive/secret.txt
		{arch + "/2026-W10/images/..%2f..%2f..%2fsecret.txt", 404},
		{arch + "/2026-W10/images/evil.jpg", 404},
		{arch + "/2026-W20/", 404},
		{arch + "/..%2f2026-W10/issue.json", 404},
		{arch + "/2026-W10/issue.json", 404},
		{arch + "/2026-W10/", 200},
		{"/u/..%2f..%2fsecret.txt", 403},
		// The legitimate addresses, for contrast.
		{"/issues/2026-W10/", 200},
		{"/issues/2026-w10/", 200},
		{"/issues/2026-W10", 200},
		{"/issues/2026-W10/issue.pdf", 200},
		{"/issues/2026-W10/images/W10-review-0.jpg", 200},
	}
	before := e.snapshot()
	for _, tc := range cases {
		t.Run(tc.target, func(t *testing.T) {
			code, body := raw(t, addr, tc.target)
			if code != tc.want {
				t.Errorf("GET %s: %d, want %d", tc.target, code, tc.want)
			}
			if strings.Contains(body, secretContent) {
				t.Errorf("GET %s leaked the file outside the build folder", tc.target)
			}
		})
	}
	assertUnchanged(t, before, e.snapshot())
}
