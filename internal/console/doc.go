// Package console is the editors' desk: a web console under /admin/ of
// folio serve for building, previewing, test-sending, sending (now or at
// a time), pausing and watching a week's issue, and for the members.
//
// Pages are rendered on the server with html/template and the console's
// own stylesheet; every action is a plain form POST, so the console works
// with JavaScript off. One small vendored library, htmx with its SSE
// extension (static/vendor, pinned, licences beside them), earns its
// place twice: the live progress of a send (Server-Sent Events) and the
// member search as one types.
//
// Editors log in with a password (bcrypt) into a session kept in the
// store, so it works on every instance; the cookie is HttpOnly,
// SameSite=Lax and Secure behind https; every POST carries the session's
// CSRF token; logins are throttled per account and per address; every
// action that changes something goes to the audit log.
package console
