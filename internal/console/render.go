package console

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/foliopress/folio/internal/editor"
)

// page is what every console page's template gets.
type page struct {
	Title    string
	Magazine string
	Editor   editor.Editor
	CSRF     string
	Nav      string // the section of the nav to mark current
	Flash    string
	Data     any
}

// contentSecurity is the console's policy: its own scripts and styles
// only, frames of its own previews, the progress stream from itself.
const contentSecurity = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"frame-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// render writes a page: the template is executed into a buffer first, so
// a failure is a clean 500, never half a page.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.Magazine = c.cfg.Magazine
	if se := sessionOf(r); se.ID != "" {
		p.Editor, p.CSRF = se.Editor, se.CSRF
	}
	if p.Flash == "" {
		p.Flash = flash(r)
	}
	var buf bytes.Buffer
	t := c.pages[name]
	if t == nil {
		c.fail("render", errNoPage(name))
		http.Error(w, "no such page", http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		c.fail("render "+name, err)
		http.Error(w, "the page could not be shown", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", contentSecurity)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

type errNoPage string

func (e errNoPage) Error() string { return "console: no page " + string(e) }

// message shows a short page: an error, a refusal, a notice.
func (c *Console) message(w http.ResponseWriter, r *http.Request, status int, title, text string) {
	c.render(w, r, status, "message", page{Title: title, Data: text})
}

func (c *Console) notFound(w http.ResponseWriter, r *http.Request) {
	c.message(w, r, http.StatusNotFound, "Not found", "There is nothing at this address.")
}

// redirectDone sends the browser back to a page after an action, with a
// line saying what was done: one of the flashes, and a number for it. The
// code, not the text, travels in the URL, so a link cannot put words in
// the console's mouth.
func redirectDone(w http.ResponseWriter, r *http.Request, to, code string, n int) {
	http.Redirect(w, r, to+"?done="+url.QueryEscape(code)+"&n="+strconv.Itoa(n), http.StatusSeeOther)
}

// flashes are the lines redirectDone can show; %d is the number.
var flashes = map[string]string{
	"built":        "Built. The previews below are the new issue.",
	"tested":       "Test copies sent: %d.",
	"sending":      "The send has started.",
	"scheduled":    "The send is scheduled.",
	"cancelled":    "The scheduled send is cancelled.",
	"paused":       "Paused: messages in flight finish, the rest waits.",
	"resumed":      "Resumed.",
	"retrying":     "%d failed deliveries are due again; the send has started.",
	"status":       "The member's status is changed.",
	"suppressed":   "The address is suppressed.",
	"unsuppressed": "The address is no longer suppressed.",
	"imported":     "Imported: %d members added or updated.",
}

func flash(r *http.Request) string {
	f, ok := flashes[r.URL.Query().Get("done")]
	if !ok {
		return ""
	}
	if strings.Contains(f, "%d") {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		return fmt.Sprintf(f, n)
	}
	return f
}
