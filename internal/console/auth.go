package console

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/foliopress/folio/internal/editor"
)

const (
	sessionCookie = "folio_session"
	loginCookie   = "folio_login" // the login form's CSRF token, before any session
	cookiePath    = "/admin/"
)

type ctxKey struct{}

// sessionOf returns the request's session (set by the guard).
func sessionOf(r *http.Request) editor.Session {
	s, _ := r.Context().Value(ctxKey{}).(editor.Session)
	return s
}

// guard lets through requests of a logged-in editor: a GET without a
// session goes to the login page, anything else gets 401. Every POST must
// carry the session's CSRF token (form field "csrf" or header
// X-CSRF-Token), or it is refused with 403 and changes nothing; admin
// marks handlers for admins only (403 for an editor).
func (c *Console) guard(admin bool, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		limitBody(w, r)
		se, ok := c.session(r)
		if !ok {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/admin/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			c.message(w, r, http.StatusUnauthorized, "Please log in", "Your session has ended. Log in again to continue.")
			return
		}
		if r.Method == http.MethodPost {
			got := r.Header.Get("X-CSRF-Token")
			if got == "" {
				got = r.PostFormValue("csrf")
			}
			if subtle.ConstantTimeCompare([]byte(got), []byte(se.CSRF)) != 1 {
				c.message(w, r, http.StatusForbidden, "Refused", "This form is out of date or did not come from the console. Reload the page and try again.")
				return
			}
		}
		if admin && !se.Editor.Role.Admin() {
			c.message(w, r, http.StatusForbidden, "For admins only", "This needs an admin account; ask an admin to do it, or to make you one (folio editors add).")
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, se)))
	}
}

// session looks the request's cookie up in the store.
func (c *Console) session(r *http.Request) (editor.Session, bool) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return editor.Session{}, false
	}
	se, err := c.d.Accounts.Session(r.Context(), editor.SessionID(ck.Value), c.now())
	if err != nil {
		if !errors.Is(err, editor.ErrNoEditor) {
			c.fail("session", err)
		}
		return editor.Session{}, false
	}
	return se, true
}

// loginPage shows the login form with a fresh login CSRF token.
func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	c.showLogin(w, r, http.StatusOK, "")
}

func (c *Console) showLogin(w http.ResponseWriter, r *http.Request, status int, problem string) {
	tok := editor.NewToken()
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: tok, Path: cookiePath, HttpOnly: true, Secure: c.secure(r),
		SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	w.Header().Set("Cache-Control", "no-store")
	c.render(w, r, status, "login", page{Title: "Log in", CSRF: tok, Data: map[string]string{
		"Problem": problem, "Next": safeNext(r.FormValue("next")), "Email": r.PostFormValue("email")}})
}

// login checks an editor's password under the throttle: each account and
// each client address gets a few tries, then waits out a lockout — even
// the right password is refused meanwhile, and the answer is the same as
// for a wrong one, so a guesser learns nothing.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	limitBody(w, r)
	ck, err := r.Cookie(loginCookie)
	if err != nil || ck.Value == "" || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		c.message(w, r, http.StatusForbidden, "Refused", "The login form is out of date. Reload the page and try again.")
		return
	}
	ctx := r.Context()
	now := c.now()
	email := strings.TrimSpace(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	keys := []struct {
		key   string
		limit int
	}{
		{"account:" + strings.ToLower(email), c.cfg.Throttle.Failures},
		{"address:" + clientAddr(r), c.cfg.Throttle.AddressFailures},
	}
	locked := false
	attempts := make([]editor.Attempts, len(keys))
	for i, k := range keys {
		a, err := c.d.Accounts.LoginAttempts(ctx, k.key)
		if err != nil {
			c.fail("login throttle", err)
			c.message(w, r, http.StatusInternalServerError, "Something went wrong", "Please try again in a minute.")
			return
		}
		attempts[i] = a
		locked = locked || a.Locked(now)
	}
	ed, err := c.d.Accounts.EditorByEmail(ctx, email)
	ok := false
	switch {
	case err == nil:
		ok = ed.Matches(password)
	case errors.Is(err, editor.ErrNoEditor):
		editor.Waste(password)
	default:
		c.fail("login", err)
		c.message(w, r, http.StatusInternalServerError, "Something went wrong", "Please try again in a minute.")
		return
	}
	if !ok || locked {
		for i, k := range keys {
			if err := c.d.Accounts.SetLoginAttempts(ctx, k.key, c.cfg.Throttle.Fail(attempts[i], now, k.limit)); err != nil {
				c.fail("login throttle", err)
			}
		}
		msg := "That address and password do not match an editor."
		if locked {
			msg = "Too many failed logins: wait " + c.cfg.Throttle.Lockout.String() + " and try again."
		}
		c.showLogin(w, r, http.StatusUnauthorized, msg)
		return
	}
	if err := c.d.Accounts.SetLoginAttempts(ctx, keys[0].key, editor.Attempts{}); err != nil {
		c.fail("login throttle", err)
	}
	token := editor.NewToken()
	se := editor.Session{ID: editor.SessionID(token), Editor: ed, CSRF: editor.NewToken(), Created: now, Expires: now.Add(editor.Lifetime)}
	if err := c.d.Accounts.CreateSession(ctx, se); err != nil {
		c.fail("login", err)
		c.message(w, r, http.StatusInternalServerError, "Something went wrong", "Please try again in a minute.")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: cookiePath, HttpOnly: true, Secure: c.secure(r),
		SameSite: http.SameSiteLaxMode, MaxAge: int(editor.Lifetime.Seconds())})
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: cookiePath, MaxAge: -1})
	c.audit(r.WithContext(context.WithValue(ctx, ctxKey{}, se)), editor.ActionLogin, "", "from "+clientAddr(r))
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// logout ends the session in the store: the cookie, even kept, opens
// nothing any more.
func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	se := sessionOf(r)
	if err := c.d.Accounts.DeleteSession(r.Context(), se.ID); err != nil {
		c.fail("logout", err)
	}
	c.audit(r, editor.ActionLogout, "", "")
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: cookiePath, MaxAge: -1, HttpOnly: true, Secure: c.secure(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}

// secure reports whether the session's cookies must be Secure: the
// magazine's base URL is https, the request came over TLS, or the reverse
// proxy in front says the browser's request did (X-Forwarded-Proto).
func (c *Console) secure(r *http.Request) bool {
	if c.cfg.Secure || r.TLS != nil {
		return true
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

// limitBody caps a request's body: a membership file may be a couple of
// megabytes (base64 on its confirmation), any other form a few kilobytes.
func limitBody(w http.ResponseWriter, r *http.Request) {
	limit := int64(64 << 10)
	if strings.HasPrefix(r.URL.Path, "/admin/import") {
		limit = 3*maxImport + 64<<10
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
}

// safeNext keeps a post-login redirect inside the console.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/admin/") && !strings.HasPrefix(next, "/admin//") && !strings.ContainsAny(next, "\\\r\n") {
		return next
	}
	return "/admin/"
}

// clientAddr is the request's client address (the reverse proxy's own,
// behind one: the throttle then counts the proxy as one address).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// audit records an action of the request's editor.
func (c *Console) audit(r *http.Request, action, target, detail string) {
	e := editor.Entry{At: c.now(), Editor: sessionOf(r).Editor.Email, Action: action, Target: target, Detail: detail}
	if err := c.d.Accounts.Audit(context.WithoutCancel(r.Context()), e); err != nil {
		c.fail("audit", err)
	}
}

// auditAs records an action of the console itself (a scheduled send).
func (c *Console) auditAs(ctx context.Context, who, action, target, detail string) {
	if err := c.d.Accounts.Audit(ctx, editor.Entry{At: c.now(), Editor: who, Action: action, Target: target, Detail: detail}); err != nil {
		c.fail("audit", err)
	}
}
