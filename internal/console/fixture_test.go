package console_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/foliopress/folio/internal/artifact"
	"github.com/foliopress/folio/internal/console"
	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/editor"
	"github.com/foliopress/folio/internal/links"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/internal/publish"
	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/markdown"
	"github.com/foliopress/folio/issue/newsletter"
	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/mailer/smtptest"
	"github.com/foliopress/folio/store"
)

const (
	week       = "2026-W10"
	adminEmail = "ann@example.org"
	adminPass  = "correct horse battery"
	editEmail  = "ed@example.org"
	editPass   = "an editor's passphrase"
)

// clock is a settable clock for the console (logins, plans).
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// desk is a console over the real parts: a SQLite store with the sample
// members, the sample reviews, a folder of built issues, the publish job
// and an in-process SMTP relay.
type desk struct {
	t       *testing.T
	st      *store.Store
	relay   *smtptest.Server
	console *console.Console
	ts      *httptest.Server
	clock   *clock
	prog    *console.Progress
	reviews string
}

type deskOpts struct {
	hook    smtptest.Hook
	reviews string          // default: a copy of the sample reviews
	checks  []console.Check // more health checks than the store's
}

func newDesk(t *testing.T, o deskOpts) *desk {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	f, err := os.Open("../../examples/members.csv")
	if err != nil {
		t.Fatal(err)
	}
	ms, rowErrs, err := member.ParseMembersCSV(f, "members.csv")
	_ = f.Close()
	if err != nil || len(rowErrs) > 0 {
		t.Fatal(err, rowErrs)
	}
	if _, _, err := st.UpsertMembers(ctx, ms); err != nil {
		t.Fatal(err)
	}
	for _, e := range []struct {
		email, pass string
		role        editor.Role
	}{{adminEmail, adminPass, editor.RoleAdmin}, {editEmail, editPass, editor.RoleEditor}} {
		h, err := editor.Hash(e.pass, bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddEditor(ctx, editor.Editor{Email: e.email, Role: e.role, Password: h, Created: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	reviews := o.reviews
	if reviews == "" {
		reviews = copyTree(t, "../../examples/reviews", filepath.Join(dir, "reviews"))
	}
	loc, _ := time.LoadLocation("America/New_York")
	folder, err := artifact.OpenFolder(filepath.Join(dir, "issues"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = folder.Close() })
	rend, err := newsletter.New(newsletter.Options{})
	if err != nil {
		t.Fatal(err)
	}
	lk := &links.Links{BaseURL: "https://weekly.example.org", Secret: []byte("console-test-secret-0123456789"), TTL: 24 * time.Hour, List: "newsletter.weekly.example.org"}
	var opts []smtptest.Option
	if o.hook != nil {
		opts = append(opts, smtptest.WithHook(o.hook))
	}
	relay := smtptest.Start(t, opts...)
	clk := &clock{t: time.Date(2026, 3, 6, 6, 0, 0, 0, time.UTC)}
	prog := console.NewProgress(clk.Now)
	job := &publish.Job{
		Builder: &publish.Builder{
			Source:    markdown.NewSource(reviews, loc, []string{"Film", "Stage", "Music", "Books"}),
			Masthead:  issue.Masthead{Name: "Folio Weekly", BaseURL: "https://weekly.example.org", Location: loc},
			Artifacts: folder, Renderer: rend,
			Sample: newsletter.Recipient{Name: "Sample Reader", Email: "reader@example.org", UnsubscribeURL: "https://weekly.example.org/u/x"},
		},
		// The PDF is linked, not attached: a test sends the same issue
		// many times, and the attachment's encoding is the mailer's.
		Store: st, Links: lk, Holds: st, HoldPoll: 20 * time.Millisecond, Observe: prog.Start, AttachMaxBytes: 1,
		NewSender: func(c delivery.Composer) (*delivery.Sender, error) {
			return delivery.NewSender(delivery.Options{Ledger: st, Composer: c, From: "Folio Weekly <issues@weekly.example.org>", Workers: 2,
				Transport: mailer.NewSMTP(mailer.SMTPConfig{Host: relay.Host, Port: relay.Port, TLS: "none", Timeout: time.Minute}),
				OnResult:  prog.Observe})
		},
	}
	c, err := console.New(console.Config{
		Magazine: "Folio Weekly", Location: loc, Now: clk.Now, PlanEvery: 20 * time.Millisecond, StreamEvery: 50 * time.Millisecond,
		Thumbnails: console.PDFToPPM{Width: 120},
		NextRun:    func(now time.Time) time.Time { return now.Add(24 * time.Hour) },
		OnError:    func(op string, err error) { t.Logf("console: %s: %v", op, err) },
	}, console.Deps{
		Accounts: st, Ledger: st, Directory: st, Lifecycle: &member.Lifecycle{Store: st, Now: clk.Now},
		Desk: &publish.Desk{Job: job, Counter: st}, Issues: folder, Progress: prog,
		Checks: append([]console.Check{{Name: "store", Run: func(ctx context.Context) (string, error) { return "sqlite", st.Healthy(ctx) }}}, o.checks...),
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(c.Handler())
	runCtx, stop := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { defer close(ran); _ = c.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-ran; ts.Close(); c.Close() })
	return &desk{t: t, st: st, relay: relay, console: c, ts: ts, clock: clk, prog: prog, reviews: reviews}
}

func copyTree(t *testing.T, from, to string) string {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}

// browserless is an editor's HTTP client without JavaScript: forms are
// posted as a browser posts them, cookies kept, redirects not followed.
type browserless struct {
	d    *desk
	c    *http.Client
	csrf string
}

func (d *desk) client() *browserless {
	jar, _ := cookiejar.New(nil)
	return &browserless{d: d, c: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get fetches a page and keeps the CSRF token it carries.
func (b *browserless) get(path string) (int, string) {
	b.d.t.Helper()
	res, err := b.c.Get(b.d.ts.URL + path)
	if err != nil {
		b.d.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if m := csrfRE.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return res.StatusCode, string(body)
}

// post submits a form with the kept CSRF token (unless form has one) and
// returns the status, the redirect and the body.
func (b *browserless) post(path string, form url.Values) (int, string, string) {
	b.d.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok && b.csrf != "" {
		form.Set("csrf", b.csrf)
	}
	res, err := b.c.PostForm(b.d.ts.URL+path, form)
	if err != nil {
		b.d.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(body)
}

// postMultipart submits a multipart form (a file upload).
func (b *browserless) postMultipart(path string, body *bytes.Buffer, ctype string) (int, string) {
	b.d.t.Helper()
	req, _ := http.NewRequest("POST", b.d.ts.URL+path, body)
	req.Header.Set("Content-Type", ctype)
	res, err := b.c.Do(req)
	if err != nil {
		b.d.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(out)
}

// login logs in through the form.
func (b *browserless) login(email, password string) (int, string) {
	b.d.t.Helper()
	b.get("/admin/login")
	code, loc, body := b.post("/admin/login", url.Values{"email": {email}, "password": {password}, "next": {"/admin/"}})
	if code == http.StatusSeeOther {
		b.get(strings.TrimPrefix(loc, b.d.ts.URL))
	}
	return code, body
}

func (b *browserless) mustLogin(email, password string) {
	b.d.t.Helper()
	if code, body := b.login(email, password); code != http.StatusSeeOther {
		b.d.t.Fatalf("login %s: %d\n%s", email, code, body)
	}
}

// auditActions lists the audit log's actions, oldest first.
func (d *desk) auditActions() []string {
	d.t.Helper()
	log, err := d.st.AuditLog(context.Background(), 1000)
	if err != nil {
		d.t.Fatal(err)
	}
	var out []string
	for i := len(log) - 1; i >= 0; i-- {
		out = append(out, log[i].Editor+" "+log[i].Action+" "+log[i].Target)
	}
	return out
}

func strconvFormat(n int64) string { return strconv.FormatInt(n, 10) }
