package console_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/foliopress/folio/internal/editor"
	"github.com/foliopress/folio/internal/member"
)

// TestLoginSessionLogout: a wrong password gets nothing; the right one a
// session cookie (HttpOnly, SameSite=Lax, for /admin/ only) kept in the
// store; after logout the same cookie opens nothing, for GET or POST.
func TestLoginSessionLogout(t *testing.T) {
	d := newDesk(t, deskOpts{})
	b := d.client()
	if code, body := b.login(adminEmail, "not the password"); code != http.StatusUnauthorized || !strings.Contains(body, "do not match") {
		t.Fatalf("wrong password: %d", code)
	}
	if code, _ := b.get("/admin/weeks"); code != http.StatusSeeOther {
		t.Fatalf("a page before login: %d, want a redirect to the login", code)
	}
	b.mustLogin(adminEmail, adminPass)
	u, _ := url.Parse(d.ts.URL + "/admin/")
	var session *http.Cookie
	for _, ck := range b.c.Jar.Cookies(u) {
		if ck.Name == "folio_session" {
			session = ck
		}
	}
	if session == nil {
		t.Fatal("no session cookie")
	}
	res, _ := http.Get(d.ts.URL + "/admin/login")
	_ = res.Body.Close()
	// The cookie's attributes as the server set them.
	b.get("/admin/login")
	code, _, _ := b.post("/admin/login", url.Values{"email": {adminEmail}, "password": {adminPass}})
	if code != http.StatusSeeOther {
		t.Fatalf("second login: %d", code)
	}
	raw := d.rawLoginCookie(adminEmail, adminPass)
	for _, want := range []string{"HttpOnly", "SameSite=Lax", "Path=/admin/"} {
		if !strings.Contains(raw, want) {
			t.Errorf("session cookie %q lacks %s", raw, want)
		}
	}
	if code, body := b.get("/admin/weeks"); code != 200 || !strings.Contains(body, adminEmail) {
		t.Fatalf("weeks after login: %d", code)
	}
	for _, ck := range b.c.Jar.Cookies(u) {
		if ck.Name == "folio_session" {
			session = ck // the session the logout ends
		}
	}
	// Log out, then replay the old cookie.
	if code, _, _ := b.post("/admin/logout", nil); code != http.StatusSeeOther {
		t.Fatalf("logout: %d", code)
	}
	replay := d.client()
	replay.c.Jar.SetCookies(u, []*http.Cookie{{Name: "folio_session", Value: session.Value, Path: "/admin/"}})
	if code, _ := replay.get("/admin/weeks"); code != http.StatusSeeOther {
		t.Errorf("GET with a logged-out session's cookie: %d, want a redirect to the login", code)
	}
	before := d.auditActions()
	if code, _, _ := replay.post("/admin/weeks/"+week+"/build", url.Values{"csrf": {b.csrf}}); code != http.StatusUnauthorized {
		t.Errorf("POST with a logged-out session's cookie: %d, want 401", code)
	}
	if after := d.auditActions(); len(after) != len(before) {
		t.Errorf("a logged-out cookie changed something: %v", after[len(before):])
	}
}

// rawLoginCookie logs in and returns the Set-Cookie header of the session.
func (d *desk) rawLoginCookie(email, password string) string {
	return d.rawLoginCookieVia(d.client(), email, password, nil)
}

// rawLoginCookieVia logs in with b, adding header to the login's POST.
func (d *desk) rawLoginCookieVia(b *browserless, email, password string, header http.Header) string {
	d.t.Helper()
	b.get("/admin/login")
	form := url.Values{"email": {email}, "password": {password}, "csrf": {b.csrf}}
	req, _ := http.NewRequest("POST", d.ts.URL+"/admin/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	u, _ := url.Parse(d.ts.URL + "/admin/")
	for _, ck := range b.c.Jar.Cookies(u) {
		req.AddCookie(ck)
	}
	res, err := b.c.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	_ = res.Body.Close()
	for _, v := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(v, "folio_session=") {
			return v
		}
	}
	return ""
}

// TestSessionCookieSecureBehindHTTPS: the session cookie is Secure when
// the browser reached the console over https — through a reverse proxy
// (X-Forwarded-Proto) or TLS of its own — and not over plain http, where
// a Secure cookie would never come back.
func TestSessionCookieSecureBehindHTTPS(t *testing.T) {
	d := newDesk(t, deskOpts{})
	hasSecure := func(raw string) bool {
		for _, attr := range strings.Split(raw, ";") {
			if strings.EqualFold(strings.TrimSpace(attr), "Secure") {
				return true
			}
		}
		return false
	}
	if raw := d.rawLoginCookie(adminEmail, adminPass); raw == "" || hasSecure(raw) {
		t.Errorf("plain http: session cookie %q", raw)
	}
	raw := d.rawLoginCookieVia(d.client(), adminEmail, adminPass, http.Header{"X-Forwarded-Proto": {"https"}})
	if !hasSecure(raw) || !strings.Contains(raw, "HttpOnly") || !strings.Contains(raw, "SameSite=Lax") {
		t.Errorf("behind an https proxy: session cookie %q lacks Secure", raw)
	}
	// The console's own TLS.
	tls := httptest.NewTLSServer(d.console.Handler())
	defer tls.Close()
	jar, _ := cookiejar.New(nil)
	c := tls.Client()
	c.Jar, c.CheckRedirect = jar, func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Get(tls.URL + "/admin/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	m := csrfRE.FindSubmatch(body)
	if m == nil {
		t.Fatal("no login token over TLS")
	}
	res, err = c.PostForm(tls.URL+"/admin/login", url.Values{"email": {adminEmail}, "password": {adminPass}, "csrf": {string(m[1])}})
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	secure := false
	for _, v := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(v, "folio_session=") {
			secure = hasSecure(v)
		}
	}
	if res.StatusCode != http.StatusSeeOther || !secure {
		t.Errorf("over TLS: %d, Secure session cookie %v", res.StatusCode, secure)
	}
}

// TestPostsNeedTheCSRFToken: a POST without the session's token, or with
// another's, is refused and changes nothing; so is a login without the
// login form's token.
func TestPostsNeedTheCSRFToken(t *testing.T) {
	d := newDesk(t, deskOpts{})
	b := d.client()
	b.mustLogin(adminEmail, adminPass)
	other := d.client()
	other.mustLogin(editEmail, editPass)
	before := d.auditActions()
	for _, tc := range []struct {
		name string
		form url.Values
	}{
		{"no token", url.Values{"csrf": {""}}},
		{"another session's token", url.Values{"csrf": {other.csrf}}},
		{"a made-up token", url.Values{"csrf": {"AAAA"}}},
	} {
		for _, path := range []string{"/admin/weeks/" + week + "/build", "/admin/weeks/" + week + "/send", "/admin/weeks/" + week + "/pause", "/admin/members/1/status", "/admin/logout"} {
			code, _, body := b.post(path, tc.form)
			if code != http.StatusForbidden || !strings.Contains(body, "Refused") {
				t.Errorf("%s, POST %s: %d", tc.name, path, code)
			}
		}
	}
	if after := d.auditActions(); len(after) != len(before) {
		t.Errorf("refused posts changed something: %v", after[len(before):])
	}
	if _, err := d.st.Counts(context.Background(), week); err != nil {
		t.Fatal(err)
	}
	if held, _, _ := d.st.Held(context.Background(), week); held {
		t.Error("a refused pause paused the week")
	}
	// A login form posted without its token (a cross-site login).
	fresh := d.client()
	code, _, _ := fresh.post("/admin/login", url.Values{"email": {adminEmail}, "password": {adminPass}, "csrf": {"x"}})
	if code != http.StatusForbidden {
		t.Errorf("login without the form's token: %d", code)
	}
}

// TestLoginThrottle: five wrong passwords lock the account — the right
// password is refused too — until the lockout passes; twenty from one
// address lock the address for every account.
func TestLoginThrottle(t *testing.T) {
	d := newDesk(t, deskOpts{})
	b := d.client()
	for i := range 5 {
		if code, _ := b.login(adminEmail, "wrong guess "+string(rune('a'+i))); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, code)
		}
	}
	if code, body := b.login(adminEmail, adminPass); code != http.StatusUnauthorized || !strings.Contains(body, "Too many failed logins") {
		t.Fatalf("right password under lockout: %d", code)
	}
	d.clock.Add(16 * time.Minute)
	b.mustLogin(adminEmail, adminPass)
	// Twenty failures from one address, over two accounts, lock the
	// address: a third account's right password is refused, until the
	// lockout passes. (Known accounts: an unknown address costs a full
	// bcrypt check, seconds under -race.)
	third := "third@example.org"
	h, err := editor.Hash("a third editor's passphrase", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.st.AddEditor(context.Background(), editor.Editor{Email: third, Role: editor.RoleEditor, Password: h, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	d.clock.Add(16 * time.Minute)
	c := d.client()
	for i := range 20 {
		c.login([]string{adminEmail, editEmail}[i%2], "whatever password")
	}
	if code, body := c.login(third, "a third editor's passphrase"); code != http.StatusUnauthorized || !strings.Contains(body, "Too many") {
		t.Fatalf("an address over its limit logged in: %d", code)
	}
	d.clock.Add(16 * time.Minute)
	c.mustLogin(third, "a third editor's passphrase")
}

// TestEditorRoleCannotDoAdminThings: an editor changes no member, imports
// nothing, exports nothing and reads no audit log; an admin can.
func TestEditorRoleCannotDoAdminThings(t *testing.T) {
	d := newDesk(t, deskOpts{})
	ctx := context.Background()
	m, err := d.st.MemberByEmail(ctx, "soren.kjaer@example.net")
	if err != nil {
		t.Fatal(err)
	}
	ed := d.client()
	ed.mustLogin(editEmail, editPass)
	id := "/admin/members/" + itoa(m.ID)
	ed.get(id)
	for _, tc := range []struct {
		path string
		form url.Values
	}{
		{id + "/status", url.Values{"status": {"unsubscribed"}}},
		{id + "/suppress", url.Values{"note": {"x"}}},
		{id + "/unsuppress", url.Values{"note": {"x"}}},
		{"/admin/import", url.Values{"data": {"ZW1haWwK"}}},
		{"/admin/import/preview", nil},
	} {
		if code, _, body := ed.post(tc.path, tc.form); code != http.StatusForbidden || !strings.Contains(body, "admins only") {
			t.Errorf("editor POST %s: %d", tc.path, code)
		}
	}
	for _, path := range []string{"/admin/export.csv", "/admin/audit", "/admin/import"} {
		if code, _ := ed.get(path); code != http.StatusForbidden {
			t.Errorf("editor GET %s: %d", path, code)
		}
	}
	if after, _ := d.st.Member(ctx, m.ID); after.Status != m.Status {
		t.Errorf("the editor changed the member: %s", after.Status)
	}
	if _, ok, _ := d.st.SuppressionOf(ctx, m.Email); ok {
		t.Error("the editor suppressed the member")
	}
	// An admin may.
	ad := d.client()
	ad.mustLogin(adminEmail, adminPass)
	ad.get(id)
	if code, _, _ := ad.post(id+"/status", url.Values{"status": {"paused"}, "note": {"asked by phone"}}); code != http.StatusSeeOther {
		t.Fatalf("admin status change: %d", code)
	}
	if after, _ := d.st.Member(ctx, m.ID); after.Status != member.StatusPaused {
		t.Errorf("status after the admin's change: %s", after.Status)
	}
	if code, body := ad.get("/admin/audit"); code != 200 || !strings.Contains(body, "member-status") {
		t.Errorf("audit log: %d", code)
	}
	if !slices.Contains(d.auditActions(), adminEmail+" member-status "+m.Email) {
		t.Errorf("audit: %v", d.auditActions())
	}
}

func itoa(n int64) string { return strconvFormat(n) }
