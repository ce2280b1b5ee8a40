package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/chromiumtest"
	"github.com/foliopress/folio/mailer/smtptest"
)

// TestConsoleInABrowser uses the editors' console as an editor does, in
// headless Chromium over the DevTools protocol, on the sample magazine
// served by a real `folio serve` (relay: an in-process SMTP server): log
// in, build the sample week, preview it (PDF pages, the email as a member
// gets it in dark mode, the web version), send a test copy (it arrives),
// send the week and watch the live progress (Server-Sent Events, no
// reload) to the end. Screenshots at desktop and phone width land in
// $TMPDIR/folio-artifacts (and in $FOLIO_SCREENSHOTS when set: the
// README's, see scripts/console-pictures.sh).
func TestConsoleInABrowser(t *testing.T) {
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	// A relay slow enough for the progress to be seen moving.
	relay := smtptest.Start(t, smtptest.WithHook(func(stage smtptest.Stage, _, _ string) smtptest.Action {
		if stage == smtptest.StageRcpt {
			return smtptest.Action{Delay: 60 * time.Millisecond}
		}
		return smtptest.Action{}
	}))
	env := []string{"FOLIO_SMTP_HOST=" + relay.Host, fmt.Sprintf("FOLIO_SMTP_PORT=%d", relay.Port), "FOLIO_SMTP_TLS=none",
		"FOLIO_SECRET=console-browser-secret-0123456789", "FOLIO_SERVER_LISTEN=127.0.0.1:0", "FOLIO_SCHEDULE_CRON=0 0 1 1 *",
		"FOLIO_DELIVERY_WORKERS=2", "FOLIO_ADMIN_TOKEN=console-browser-api-token"}
	var many strings.Builder
	many.WriteString("email,name,tier,status\n")
	for i := range 40 {
		fmt.Fprintf(&many, "reader%02d@example.org,Reader %d,digital,active\n", i, i)
	}
	if out, errOut, err := folio(t, env, "members", "import", filepath.Join(dir, "members.csv"), "--config", cfg); err != nil {
		t.Fatalf("import: %v\n%s%s", err, out, errOut)
	}
	add := newRootCmd(&bytes.Buffer{}, &bytes.Buffer{}, env)
	add.SetIn(strings.NewReader("a long enough passphrase\n"))
	add.SetArgs([]string{"editors", "add", "editor@weekly.example.org", "--role", "admin", "--config", cfg})
	if err := add.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var out, logs syncBuffer
	serve := newRootCmd(&out, &logs, env)
	serve.SetArgs([]string{"serve", "--config", cfg})
	done := make(chan error, 1)
	go func() { done <- serve.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	})
	re := regexp.MustCompile(`http=(127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(logs.String()); m != nil {
			base = "http://" + m[1]
		}
	}
	if base == "" {
		t.Fatalf("serve did not start:\n%s", logs.String())
	}

	b := chromiumtest.Start(t)
	shots := newShots(t)
	text := func(expr string) string {
		t.Helper()
		var s string
		b.Eval("JSON.stringify(String("+expr+"))", &s)
		return s
	}
	width := 1280
	desktop := func() { width = 1280; b.Viewport(1280, 900, false) }
	// click follows a link or submits a form by its button; the click
	// waits a tick, so the evaluation has answered before the page goes.
	click := func(sel string) {
		t.Helper()
		b.Navigate(func() { b.Run(`setTimeout(() => document.querySelector('` + sel + `').click(), 0)`) })
	}
	phone := func() { width = 390; b.Viewport(390, 844, false) }
	// logIn fills the login form and submits it, waiting for the next page.
	logIn := func() {
		b.Navigate(func() {
			b.Run(`document.getElementById("email").value = "editor@weekly.example.org";
				document.getElementById("password").value = "a long enough passphrase";
				setTimeout(() => document.querySelector("form").requestSubmit(), 0)`)
		})
	}

	// Log in (the console sends a logged-out browser to its login page).
	desktop()
	b.Open(base + "/admin/")
	if title := text("document.title"); !strings.Contains(title, "Log in") {
		t.Fatalf("not on the login page: %q", title)
	}
	shots.take(b, "console-login-desktop", 1280, 600)
	logIn()
	if title := text("document.title"); !strings.Contains(title, "Dashboard") {
		t.Fatalf("after login: %q\n%s", title, text("document.body.innerText"))
	}

	// Build the sample week.
	b.Open(base + "/admin/weeks/" + sampleWeek)
	click(`form[action$="/build"] button`)
	if flash := text(`document.querySelector(".flash") && document.querySelector(".flash").innerText`); !strings.Contains(flash, "Built") {
		t.Fatalf("after the build: %q", flash)
	}

	// Preview: every page thumbnail decodes, the email as Søren gets it in
	// dark mode, the web version.
	b.Open(base + "/admin/weeks/" + sampleWeek + "/preview?member=soren.kjaer@example.net&scheme=dark")
	var widths []int
	b.Eval(`Promise.all([...document.querySelectorAll(".thumbs img")].map(i => i.decode().then(() => i.naturalWidth))).then(JSON.stringify)`, &widths)
	if len(widths) < 4 {
		t.Fatalf("%d page thumbnails", len(widths))
	}
	for i, w := range widths {
		if w == 0 {
			t.Errorf("page %d thumbnail did not load", i+1)
		}
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if strings.Contains(text(`(document.querySelector("iframe.preview").contentDocument || {body:{}}).body.innerText`), "Søren Kjær") {
			break
		}
	}
	if email := text(`document.querySelector("iframe.preview").contentDocument.body.innerText`); !strings.Contains(email, "Søren Kjær") {
		t.Errorf("the email preview is not Søren's: %.200q", email)
	}
	if scheme := text(`getComputedStyle(document.querySelector("iframe.preview")).colorScheme`); scheme != "dark" {
		t.Errorf("the email frame's colour scheme is %q, want dark", scheme)
	}
	shots.take(b, "console-preview-desktop", 1280, 1500)

	// A test copy to the editor's own address arrives at the relay.
	b.Open(base + "/admin/weeks/" + sampleWeek)
	click(`form[action$="/test"] button`)
	if flash := text(`document.querySelector(".flash").innerText`); !strings.Contains(flash, "Test copies sent: 1") {
		t.Fatalf("after the test copy: %q", flash)
	}
	if !relay.Wait(1, 10*time.Second) || relay.Messages()[0].To[0] != "editor@weekly.example.org" {
		t.Fatalf("the test copy did not reach the relay: %d messages", len(relay.Messages()))
	}

	// Send: the confirmation names the members, then the progress runs to
	// the end on the same page, pushed over Server-Sent Events.
	sendAndWatch := func(members, ledger int, name string) {
		t.Helper()
		click(`a[href$="/send"]`)
		if body := text("document.body.innerText"); !strings.Contains(body, fmt.Sprintf("%d members", members)) {
			t.Fatalf("confirmation: %q", body)
		}
		shots.take(b, "console-confirm-"+name, width, 600)
		click(`form[action$="/send"] button`)
		b.Run(`window.__samePage = true`)
		midway := false
		// The end: done, with every member of the ledger sent (the page
		// may first show the ledger as it was before this send began).
		end := regexp.MustCompile(fmt.Sprintf(`(?i)sent\n%d\b`, ledger))
		for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			progress := text(`document.querySelector(".progress").innerText`)
			if !midway && strings.Contains(progress, "Sending from this desk") && sentRE.MatchString(progress) && !strings.Contains(strings.ToLower(progress), "waiting\n0") {
				midway = true
				shots.take(b, "console-sending-"+name, width, 1100)
			}
			if strings.Contains(progress, "Done: every member") && end.MatchString(progress) {
				break
			}
		}
		progress := text(`document.querySelector(".progress").innerText`)
		if !strings.Contains(progress, "Done: every member") || !end.MatchString(progress) {
			t.Fatalf("the progress did not reach the end: %q", progress)
		}
		if same := text("window.__samePage"); same != "true" {
			t.Error("the page was reloaded: the progress did not come over the stream")
		}
		// The stream also clears the page's "sending" mark and its Pause.
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			body := text("document.body.innerText")
			if !strings.Contains(body, "sending, started by") && text(`document.querySelector('form[action$="/pause"]') === null`) == "true" {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("after the send the page still says it is sending: %.300q", body)
				break
			}
		}
		if !midway {
			t.Log("the send finished before a progress event showed it under way")
		}
		shots.take(b, "console-sent-"+name, width, 1100)
	}
	sendAndWatch(6, 6, "desktop")
	if n := len(relay.Messages()); n != 7 {
		t.Errorf("relay got %d messages, want the test copy and 6 members", n)
	}

	// Again at phone width, as an editor on the go: log out, log in, add
	// the week's newcomers through the console's import (preview, then
	// import), look at the email as one of them gets it, send a test copy
	// and send the week to the newcomers alone.
	phone()
	click(`form[action="/admin/logout"] button`)
	if title := text("document.title"); !strings.Contains(title, "Log in") {
		t.Fatalf("after logout: %q", title)
	}
	shots.take(b, "console-login-phone", 390, 700)
	logIn()
	b.Open(base + "/admin/import")
	b.Navigate(func() {
		b.Run(`const dt = new DataTransfer();
			dt.items.add(new File([` + "`" + many.String() + "`" + `], "newcomers.csv", {type: "text/csv"}));
			document.getElementById("file").files = dt.files;
			setTimeout(() => document.querySelector('form[action="/admin/import/preview"]').requestSubmit(), 0)`)
	})
	if lede := text(`document.querySelector(".lede").innerText`); !strings.Contains(lede, "40 to add") {
		t.Fatalf("import preview: %q", lede)
	}
	shots.take(b, "console-import-phone", 390, 1000)
	click(`form[action="/admin/import"] button`)
	if flash := text(`document.querySelector(".flash") && document.querySelector(".flash").innerText`); !strings.Contains(flash, "40") {
		t.Fatalf("after the import: %q", flash)
	}
	b.Open(base + "/admin/weeks/" + sampleWeek + "/preview?member=reader07@example.org&width=phone")
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if strings.Contains(text(`(document.querySelector("iframe.preview").contentDocument || {body:{}}).body.innerText`), "Reader 7") {
			break
		}
	}
	if email := text(`document.querySelector("iframe.preview").contentDocument.body.innerText`); !strings.Contains(email, "Reader 7") {
		t.Errorf("the email preview is not Reader 7's: %.200q", email)
	}
	shots.take(b, "console-preview-phone", 390, 1400)
	b.Open(base + "/admin/weeks/" + sampleWeek)
	b.Run(`document.getElementById("to").value = "proof@weekly.example.org\ndesk@weekly.example.org"`)
	click(`form[action$="/test"] button`)
	if flash := text(`document.querySelector(".flash").innerText`); !strings.Contains(flash, "Test copies sent: 2") {
		t.Fatalf("after the test copies: %q", flash)
	}
	sendAndWatch(40, 46, "phone")
	if n := len(relay.Messages()); n != 49 {
		t.Errorf("relay got %d messages, want 3 test copies and 46 members", n)
	}

	// The other pages, at both widths.
	for _, w := range []struct {
		name   string
		set    func()
		width  int
		height int
	}{{"desktop", desktop, 1280, 900}, {"phone", phone, 390, 1200}} {
		w.set()
		for _, p := range []struct{ name, path string }{
			{"dashboard", "/admin/"}, {"weeks", "/admin/weeks"}, {"week", "/admin/weeks/" + sampleWeek},
			{"members", "/admin/members?q=s"}, {"member", "/admin/members/1"},
			{"preview", "/admin/weeks/" + sampleWeek + "/preview"}, {"confirm", "/admin/weeks/" + sampleWeek + "/send"},
			{"import", "/admin/import"}, {"audit", "/admin/audit"},
		} {
			b.Open(base + p.path)
			if strings.Contains(text("document.title"), "Log in") {
				t.Fatalf("%s: logged out", p.path)
			}
			var overflow bool
			b.Eval(`JSON.stringify(document.documentElement.scrollWidth > window.innerWidth + 1)`, &overflow)
			if overflow {
				t.Errorf("%s at %s width scrolls sideways", p.path, w.name)
			}
			// Screen readers: every control has a name — a label, its text
			// or an aria-label — and every frame a title.
			var unnamed []string
			b.Eval(`JSON.stringify([...document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href], iframe')].filter(e => {
				if (e.tagName === 'IFRAME') return !e.title;
				if (e.tagName === 'BUTTON' || e.tagName === 'A') return !(e.innerText.trim() || e.getAttribute('aria-label') || e.querySelector('img[alt]:not([alt=""])'));
				return !(e.labels && e.labels.length) && !e.getAttribute('aria-label');
			}).map(e => e.outerHTML.slice(0, 100)))`, &unnamed)
			if len(unnamed) > 0 {
				t.Errorf("%s: controls without a name for screen readers: %q", p.path, unnamed)
			}
			shots.take(b, "console-"+p.name+"-"+w.name, w.width, w.height)
		}
	}
	// Machines keep the bearer-token API beside the console; neither
	// opens the other's door.
	var session string
	var cookies []struct{ Name, Value string }
	b.Call("Network.getCookies", map[string]any{"urls": []string{base + "/admin/"}}, &struct {
		Cookies *[]struct{ Name, Value string } `json:"cookies"`
	}{&cookies})
	for _, ck := range cookies {
		if ck.Name == "folio_session" {
			session = ck.Value
		}
	}
	if session == "" {
		t.Fatal("no session cookie in the browser")
	}
	for _, tc := range []struct {
		path, header, value string
		want                int
	}{
		{"/api/weeks/" + sampleWeek, "Authorization", "Bearer console-browser-api-token", http.StatusOK},
		{"/api/weeks/" + sampleWeek, "Cookie", "folio_session=" + session, http.StatusUnauthorized},
		{"/admin/weeks", "Authorization", "Bearer console-browser-api-token", http.StatusSeeOther},
		{"/admin/weeks", "Cookie", "folio_session=" + session, http.StatusOK},
	} {
		req, _ := http.NewRequest("GET", base+tc.path, nil)
		req.Header.Set(tc.header, tc.value)
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("GET %s with %s: %d, want %d", tc.path, tc.header, res.StatusCode, tc.want)
		}
	}

	// Keyboard: the first Tab reaches the skip link, which shows.
	b.Viewport(1280, 900, false)
	b.Open(base + "/admin/")
	b.Call("Input.dispatchKeyEvent", map[string]any{"type": "keyDown", "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9}, nil)
	b.Call("Input.dispatchKeyEvent", map[string]any{"type": "keyUp", "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9}, nil)
	if focused := text(`document.activeElement.className + ":" + document.activeElement.innerText`); focused != "skip:Skip to content" {
		t.Errorf("first Tab focuses %q, want the skip link", focused)
	}
}

// sentRE finds a progress fragment's sent count above zero.
var sentRE = regexp.MustCompile(`(?i)sent\n[1-9]`)

// shots writes screenshots to $TMPDIR/folio-artifacts and, when
// FOLIO_SCREENSHOTS names a folder, there too.
type shots struct {
	t    *testing.T
	dirs []string
}

func newShots(t *testing.T) *shots {
	dirs := []string{filepath.Join(os.TempDir(), "folio-artifacts")}
	if d := os.Getenv("FOLIO_SCREENSHOTS"); d != "" {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return &shots{t: t, dirs: dirs}
}

func (s *shots) take(b *chromiumtest.Browser, name string, w, h int) {
	png := b.Screenshot(w, h)
	for _, d := range s.dirs {
		if err := os.WriteFile(filepath.Join(d, name+".png"), png, 0o644); err != nil {
			s.t.Fatal(err)
		}
	}
}
