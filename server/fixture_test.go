package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/artifact"
	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/links"
	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/server"
	"github.com/foliopress/folio/store"
)

const (
	testSecret = "a test secret of plenty length"
	testList   = "weekly.example.org"
	adminToken = "editor-token-0123456789"
)

// clock is a settable time source shared by the links and the sender.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a running server over a real SQLite store and build folder.
type env struct {
	t       testing.TB
	store   *store.Store
	links   *links.Links
	clock   *clock
	out     string // the build folder
	issues  *artifact.Folder
	public  bool   // [server] public_issues
	outbox  string // where the editor's sends land
	srv     *server.Server
	ts      *httptest.Server
	client  *http.Client // trusts ts's certificate; does not follow redirects
	metrics *server.Metrics
	members map[string]member.Member // by email
	editor  server.Editor
}

// newServer makes a Server over the env's store, links, build folder and
// editor (a second one shares them with the first, but not its metrics).
func (e *env) newServer(admin string) *server.Server {
	e.t.Helper()
	metrics := e.metrics
	if e.srv != nil {
		metrics = nil
	}
	srv, err := server.New(server.Config{
		PublicIssues: e.public, Links: e.links, AdminToken: admin, Magazine: "The Test Weekly",
		MaxBody: 4 << 10, Now: e.clock.Now,
		OnError: func(op string, err error) { e.t.Logf("server error: %s: %v", op, err) },
	}, server.Deps{
		Members: e.store, Archive: e.store, Ledger: e.store, Issues: e.issues, Directory: e.store,
		Lifecycle: &member.Lifecycle{Store: e.store, Now: e.clock.Now},
		Editor:    e.editor, Metrics: metrics,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return srv
}

// testMembers: two tiers; only "print" and "digital" are in the audience.
var testMembers = []member.Member{
	{Email: "ada@example.org", Name: "Ada Byron", Tier: "print", Status: member.StatusActive},
	{Email: "grace@example.org", Name: "Grace Hopper", Tier: "digital", Status: member.StatusActive},
	{Email: "alan@example.org", Name: "Alan Turing", Tier: "sponsor", Status: member.StatusActive},
	{Email: "paused@example.org", Name: "Paula Paused", Tier: "print", Status: member.StatusPaused},
}

var testAudience = delivery.Audience{Tiers: []string{"print", "digital"}}

// newEnv opens a store in t.TempDir, adds testMembers and starts the
// server on httptest (a real listener on 127.0.0.1).
func newEnv(t testing.TB, admin string) *env { return startEnv(t, envOpts{admin: admin}) }

// newEnvTLS is newEnv over HTTPS, with https:// links (RFC 8058 one-click
// is only offered for https URLs).
func newEnvTLS(t *testing.T, admin string) *env { return startEnv(t, envOpts{admin: admin, tls: true}) }

// envOpts vary the test server.
type envOpts struct {
	admin string
	tls   bool
	// wrap, if set, wraps the real editor (to hold a send open).
	wrap func(server.Editor) server.Editor
	// public sets [server] public_issues.
	public bool
}

func startEnv(t testing.TB, o envOpts) *env {
	t.Helper()
	admin, useTLS := o.admin, o.tls
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	if _, _, err := st.UpsertMembers(ctx, testMembers); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: st, clock: &clock{t: time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)},
		out: filepath.Join(dir, "issues"), outbox: filepath.Join(dir, "outbox"), members: map[string]member.Member{}, public: o.public}
	if e.issues, err = artifact.OpenFolder(e.out); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.issues.Close() })
	all, err := st.ListMembers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		e.members[m.Email] = m
	}
	// The secret file beside the build folder is what traversal aims at.
	if err := os.WriteFile(filepath.Join(dir, "secret.txt"), []byte(secretContent), 0o600); err != nil {
		t.Fatal(err)
	}
	e.ts = httptest.NewUnstartedServer(nil)
	scheme := "http://"
	if useTLS {
		scheme = "https://"
	}
	e.links = &links.Links{BaseURL: scheme + e.ts.Listener.Addr().String(), Secret: []byte(testSecret),
		TTL: 30 * 24 * time.Hour, List: testList, Now: e.clock.Now}
	e.metrics = server.NewMetrics()
	e.editor = &sendEditor{e: e}
	if o.wrap != nil {
		e.editor = o.wrap(e.editor)
	}
	e.srv = e.newServer(admin)
	e.ts.Config.Handler = e.srv.Handler()
	if useTLS {
		e.ts.StartTLS()
	} else {
		e.ts.Start()
	}
	e.client = e.ts.Client()
	e.client.Timeout = 10 * time.Second
	e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	t.Cleanup(func() {
		e.ts.Close()
		if err := e.srv.Close(); err != nil {
			t.Error(err)
		}
	})
	return e
}

const secretContent = "TOP-SECRET-FILE-OUTSIDE-THE-BUILD-FOLDER"

// sendEditor is the editor API's backend made of the real parts: a
// delivery.Sender over the store's ledger, delivering to an outbox folder.
type sendEditor struct{ e *env }

func (s *sendEditor) sender() (*delivery.Sender, error) {
	e := s.e
	return delivery.NewSender(delivery.Options{
		Ledger: e.store, Transport: mailer.NewOutbox(e.outbox), From: "The Test Weekly <issues@weekly.example.org>",
		Audience: testAudience, Workers: 2, Now: e.clock.Now, OnResult: e.metrics.ObserveResult,
		Composer: delivery.ComposerFunc(func(_ context.Context, m member.Member) (*mailer.Content, error) {
			u := e.links.Unsubscribe(m)
			return &mailer.Content{
				Subject:        "The Test Weekly",
				HTML:           fmt.Sprintf(`<p>Hello</p><p><a href="%s">Your archive</a> · <a href="%s">Unsubscribe</a></p>`, e.links.Archive(m), u),
				Text:           "Hello\n\nArchive: " + e.links.Archive(m) + "\nUnsubscribe: " + u + "\n",
				UnsubscribeURL: u,
			}, nil
		}),
	})
}

func (s *sendEditor) SendWeek(ctx context.Context, week issue.Week) (delivery.Summary, error) {
	snd, err := s.sender()
	if err != nil {
		return delivery.Summary{}, err
	}
	if err := s.e.store.RecordIssue(ctx, store.Issue{Week: week.String(), BuiltAt: s.e.clock.Now()}); err != nil {
		return delivery.Summary{}, err
	}
	return snd.Send(ctx, week.String())
}

func (s *sendEditor) TestSend(ctx context.Context, week issue.Week, to string) error {
	snd, err := s.sender()
	if err != nil {
		return err
	}
	_, err = snd.SendTest(ctx, week.String(), to)
	return err
}

// snapshot is everything a request could change in the store.
type snapshot struct {
	Members    []member.Member
	Deliveries map[string][]delivery.Delivery
	Issues     []store.Issue
}

func (e *env) snapshot(weeks ...string) snapshot { return e.snapshotOf(e.t, weeks...) }

// snapshotOf is snapshot reporting to t (inside a fuzz target, its *T).
func (e *env) snapshotOf(t testing.TB, weeks ...string) snapshot {
	t.Helper()
	ctx := context.Background()
	ms, err := e.store.ListMembers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	is, err := e.store.Issues(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := snapshot{Members: ms, Issues: is, Deliveries: map[string][]delivery.Delivery{}}
	for _, w := range weeks {
		ds, err := e.store.Deliveries(ctx, w)
		if err != nil {
			t.Fatal(err)
		}
		s.Deliveries[w] = ds
	}
	return s
}

// do sends a request to the test server without following redirects.
func (e *env) do(method, path string, body []byte, header http.Header) (*http.Response, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body == nil {
		req.Body = http.NoBody
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(res.Body); err != nil {
		e.t.Fatal(err)
	}
	return res, buf.String()
}

// path strips the base URL from a signed link.
func (e *env) path(link string) string { return link[len(e.links.BaseURL):] }

// sendWeek delivers week through the ledger directly (as the scheduled
// job would), so the member has ledger rows for it.
func (e *env) sendWeek(week string) delivery.Summary {
	e.t.Helper()
	wk, _ := issue.ParseWeek(week)
	sum, err := (&sendEditor{e: e}).SendWeek(context.Background(), wk)
	if err != nil {
		e.t.Fatal(err)
	}
	return sum
}
