package console_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
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

// The benchmark magazine: 100,000 members and 100 sent issues with their
// ledgers (ten million rows), as the issue's numbers ask.
const (
	benchMembers = 100_000
	benchIssues  = 100
)

// benchData builds the magazine once into $TMPDIR/folio-console-bench
// (a couple of minutes) and reuses it in later runs.
func benchData(b *testing.B) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "folio-console-bench")
	done := filepath.Join(dir, "ready")
	if _, err := os.Stat(done); err == nil {
		return dir
	}
	_ = os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "folio.db"))
	if err != nil {
		b.Fatal(err)
	}
	h, _ := editor.Hash(adminPass, bcrypt.MinCost)
	if _, err := st.AddEditor(ctx, editor.Editor{Email: adminEmail, Role: editor.RoleAdmin, Password: h, Created: time.Now()}); err != nil {
		b.Fatal(err)
	}
	_ = st.Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, "folio.db")+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	exec := func(q string, args ...any) {
		b.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			b.Fatalf("%v\n%s", err, q)
		}
	}
	exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
		INSERT INTO members (email, email_key, name, tier, status, deliver_pdf, created_at, updated_at)
		SELECT 'reader' || i || '@example.org', 'reader' || i || '@example.org', 'Reader ' || i, 'digital',
		CASE WHEN i % 97 = 0 THEN 'unsubscribed' WHEN i % 89 = 0 THEN 'paused' ELSE 'active' END, '', $2, $2 FROM n`, benchMembers, now)
	for i := range benchIssues {
		w := issue.WeekOf(time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, 7*i)).String()
		at := time.Date(2024, 1, 5, 7, 0, 0, 0, time.UTC).AddDate(0, 0, 7*i).UnixMilli()
		exec(`INSERT INTO deliveries (issue_id, member_id, state, message_id, attempts, first_try, next_attempt, reply, created_at, updated_at)
			SELECT $1, id, CASE WHEN id % 500 = 0 THEN 'failed_perm' ELSE 'sent' END, 'm' || id || '.' || $1, 1, $2, 0,
			CASE WHEN id % 500 = 0 THEN '550 5.1.1 <' || email || '>: no such user' ELSE '250 2.0.0 Ok: queued' END, $2, $2 FROM members`, w, at)
		exec(`INSERT INTO issues (week, built_at, pdf_path) VALUES ($1, $2, '')`, w, at)
		exec(`INSERT INTO runs (week, started_at, finished_at) VALUES ($1, $2, $3)`, w, at, at+3_600_000)
		exec(`INSERT INTO issue_stats (week, total, sent, failed, retrying, pending, skipped, bounces, complaints, computed_at)
			VALUES ($1, $2, $3, $4, 0, 0, 0, $5, $6, $7)`, w, benchMembers, benchMembers-200, 200, 200+i%7*30, 60+i%11*25, at)
	}
	// A member with a history: status changes and a complaint.
	for i, ev := range [][3]string{{"added", "", "active"}, {"status", "active", "paused"}, {"status", "paused", "active"}, {"suppressed", "", "complaint"}} {
		exec(`INSERT INTO member_history (member_id, at, what, old_value, new_value, why, source) VALUES (1, $1, $2, $3, $4, 'bench', 'console')`,
			now+int64(i)*1000, ev[0], ev[1], ev[2])
	}
	for i := range 300 {
		exec(`INSERT INTO audit_log (at, editor, action, target, detail) VALUES ($1, $2, 'send', '2025-W01', '')`, now+int64(i), adminEmail)
	}
	exec(`ANALYZE`)
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Logf("built the benchmark magazine in %v", time.Since(start).Round(time.Second))
	return dir
}

// benchConsole is the console over the benchmark magazine, with the
// sample week built, and an admin's session cookie.
func benchConsole(b *testing.B) (http.Handler, *http.Cookie) {
	b.Helper()
	dir := benchData(b)
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "folio.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	loc, _ := time.LoadLocation("America/New_York")
	folder, err := artifact.OpenFolder(filepath.Join(dir, "issues"))
	if err != nil {
		b.Fatal(err)
	}
	rend, _ := newsletter.New(newsletter.Options{})
	lk := &links.Links{BaseURL: "https://weekly.example.org", Secret: []byte("bench-secret-0123456789"), TTL: time.Hour, List: "l"}
	prog := console.NewProgress(nil)
	job := &publish.Job{
		Builder: &publish.Builder{Source: markdown.NewSource("../../examples/reviews", loc, []string{"Film", "Stage", "Music", "Books"}),
			Masthead: issue.Masthead{Name: "Folio Weekly", BaseURL: "https://weekly.example.org", Location: loc}, Artifacts: folder, Renderer: rend,
			Sample: newsletter.Recipient{Name: "S", Email: "s@example.org", UnsubscribeURL: "https://weekly.example.org/u/x"}},
		Store: st, Links: lk, Holds: st,
	}
	if _, err := folder.Local(ctx, week); err != nil {
		if _, err := job.Builder.Build(ctx, issue.Week{Year: 2026, Num: 10}, false); err != nil {
			b.Fatal(err)
		}
	}
	c, err := console.New(console.Config{Magazine: "Folio Weekly", Location: loc, Thumbnails: console.PDFToPPM{},
		NextRun: func(now time.Time) time.Time { return now.Add(time.Hour) },
		OnError: func(op string, err error) { b.Logf("console: %s: %v", op, err) }},
		console.Deps{Accounts: st, Ledger: st, Directory: st, Lifecycle: &member.Lifecycle{Store: st},
			Desk: &publish.Desk{Job: job, Counter: st}, Issues: folder, Progress: prog,
			Checks: []console.Check{{Name: "store", Run: func(ctx context.Context) (string, error) { return "sqlite", st.Healthy(ctx) }}}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Close)
	h := c.Handler()
	// Log in through the form, as an editor does.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/admin/login", nil))
	var loginCk *http.Cookie
	for _, ck := range rec.Result().Cookies() {
		loginCk = ck
	}
	tok := csrfRE.FindStringSubmatch(rec.Body.String())[1]
	req := httptest.NewRequest("POST", "/admin/login", strings.NewReader("email="+adminEmail+"&password="+strings.ReplaceAll(adminPass, " ", "+")+"&csrf="+tok))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(loginCk)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == "folio_session" {
			return h, ck
		}
	}
	b.Fatalf("login failed: %d %s", rec.Code, rec.Body.String())
	return nil, nil
}

// BenchmarkConsolePages renders every console page over 100,000 members
// and 100 issues' ledgers, and reports the server time of a page: the
// first render (cold caches: the week's figures, the member counts, the
// audience) as cold-ms, the steady state as ms/op. The goal is 50 ms.
func BenchmarkConsolePages(b *testing.B) {
	h, ck := benchConsole(b)
	last := issue.WeekOf(time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, 7*(benchIssues-1))).String()
	pages := []struct{ name, path string }{
		{"login", "/admin/login"},
		{"dashboard", "/admin/"},
		{"weeks", "/admin/weeks"},
		{"week-sent", "/admin/weeks/" + last},
		{"week-built", "/admin/weeks/" + week},
		{"preview", "/admin/weeks/" + week + "/preview?member=reader77@example.org"},
		{"email", "/admin/weeks/" + week + "/email?member=77"},
		{"confirm", "/admin/weeks/" + week + "/send"},
		{"members", "/admin/members"},
		{"search", "/admin/members?q=reader5"},
		{"member", "/admin/members/1"},
		{"audit", "/admin/audit"},
		{"import", "/admin/import"},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			get := func() time.Duration {
				req := httptest.NewRequest("GET", p.path, nil)
				req.AddCookie(ck)
				rec := httptest.NewRecorder()
				t0 := time.Now()
				h.ServeHTTP(rec, req)
				d := time.Since(t0)
				if rec.Code != 200 {
					b.Fatalf("%s: %d %s", p.path, rec.Code, rec.Body.String())
				}
				return d
			}
			cold := get()
			b.ResetTimer()
			c0 := processCPU(b)
			for b.Loop() {
				get()
			}
			b.ReportMetric(float64(cold.Microseconds())/1000, "cold-ms")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
			// CPU time a page (all of the process's threads): on a machine
			// shared with other work, the wall time above swings with it.
			b.ReportMetric(float64((processCPU(b)-c0).Microseconds())/1000/float64(b.N), "cpu-ms/page")
		})
	}
}

// BenchmarkMemberSearch is the search's answer over 100,000 members: the
// store's query alone, and the whole search page. The goal is 20 ms.
func BenchmarkMemberSearch(b *testing.B) {
	h, ck := benchConsole(b)
	st, err := store.Open(context.Background(), filepath.Join(benchData(b), "folio.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	queries := []string{"reader5", "reader99", "Reader 123", "r", "nobody"}
	b.Run("query", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := st.SearchMembers(context.Background(), queries[i%len(queries)], 51); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/search")
	})
	b.Run("page", func(b *testing.B) {
		i := 0
		for b.Loop() {
			req := httptest.NewRequest("GET", "/admin/members?q="+strings.ReplaceAll(queries[i%len(queries)], " ", "+"), nil)
			req.AddCookie(ck)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatal(rec.Code)
			}
			i++
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/search")
	})
}

// BenchmarkProgressOverhead sends the same issue to 2,000 members of a
// fresh store, taking turns with and without the live progress: the
// sender's results counted (Progress.Observe) and an editor watching the
// progress stream, one event a second as in serve. It reports the median
// send time of each and the overhead in percent. The goal is 1%.
func BenchmarkProgressOverhead(b *testing.B) {
	const members, rounds = 1000, 9
	ctx := context.Background()
	relay := smtptest.Start(b)
	loc, _ := time.LoadLocation("America/New_York")
	dir := b.TempDir()
	folder, _ := artifact.OpenFolder(filepath.Join(dir, "issues"))
	rend, _ := newsletter.New(newsletter.Options{})
	lk := &links.Links{BaseURL: "https://weekly.example.org", Secret: []byte("bench-secret-0123456789"), TTL: time.Hour, List: "l"}
	builder := &publish.Builder{Source: markdown.NewSource("../../examples/reviews", loc, []string{"Film", "Stage", "Music", "Books"}),
		Masthead: issue.Masthead{Name: "Folio Weekly", BaseURL: "https://weekly.example.org", Location: loc}, Artifacts: folder, Renderer: rend,
		Sample: newsletter.Recipient{Name: "S", Email: "s@example.org", UnsubscribeURL: "https://weekly.example.org/u/x"}}
	if _, err := builder.Build(ctx, issue.Week{Year: 2026, Num: 10}, false); err != nil {
		b.Fatal(err)
	}
	var ms []member.Member
	for i := range members {
		ms = append(ms, member.Member{Email: fmt.Sprintf("r%05d@example.org", i), Name: "R", Status: member.StatusActive})
	}
	// cpu is the process's CPU time so far (the relay runs in it too): on
	// a shared machine, wall time swings with others' work; CPU time far
	// less.
	cpu := func() time.Duration { return processCPU(b) }
	var cpuWith, cpuWithout []time.Duration
	send := func(withProgress bool) time.Duration {
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), "folio.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		if _, _, err := st.UpsertMembers(ctx, ms); err != nil {
			b.Fatal(err)
		}
		prog := console.NewProgress(nil)
		job := &publish.Job{Builder: builder, Store: st, Links: lk, AttachMaxBytes: 1,
			NewSender: func(c delivery.Composer) (*delivery.Sender, error) {
				o := delivery.Options{Ledger: st, Composer: c, From: "Folio <issues@weekly.example.org>", Workers: 4,
					Transport: mailer.NewSMTP(mailer.SMTPConfig{Host: relay.Host, Port: relay.Port, TLS: "none", Timeout: 10 * time.Second})}
				if withProgress {
					o.OnResult = prog.Observe
				}
				return delivery.NewSender(o)
			}}
		var stop func()
		if withProgress {
			job.Observe = prog.Start
			c, err := console.New(console.Config{Magazine: "F", StreamEvery: time.Second}, console.Deps{Accounts: st, Ledger: st, Directory: st,
				Lifecycle: &member.Lifecycle{Store: st}, Desk: &publish.Desk{Job: job, Counter: st}, Issues: folder, Progress: prog})
			if err != nil {
				b.Fatal(err)
			}
			stop = watchStream(b, c, st)
		}
		p, err := job.Prepare(ctx, issue.Week{Year: 2026, Num: 10}, false, false)
		if err != nil {
			b.Fatal(err)
		}
		t0, c0 := time.Now(), cpu()
		sum, err := job.Send(ctx, p, issue.Week{Year: 2026, Num: 10})
		d := time.Since(t0)
		if withProgress {
			// The stream keeps running while the send does; its last tick
			// falls in the send's time as the ones before.
			cpuWith = append(cpuWith, cpu()-c0)
		} else {
			cpuWithout = append(cpuWithout, cpu()-c0)
		}
		if err != nil || sum.Sent != members {
			b.Fatalf("send: %+v %v", sum, err)
		}
		if stop != nil {
			stop()
		}
		return d
	}
	var with, without []time.Duration
	for b.Loop() {
		// The order swaps every round, so whatever one send leaves for
		// the next (garbage, the relay's kept messages) falls on both.
		for i := range rounds {
			if i%2 == 0 {
				without = append(without, send(false))
				with = append(with, send(true))
			} else {
				with = append(with, send(true))
				without = append(without, send(false))
			}
		}
	}
	mw, mo := median(with), median(without)
	b.ReportMetric(float64(mo.Milliseconds()), "ms/send-without")
	b.ReportMetric(float64(mw.Milliseconds()), "ms/send-with")
	b.ReportMetric(100*(float64(mw)-float64(mo))/float64(mo), "%overhead")
	cw, co := median(cpuWith), median(cpuWithout)
	b.ReportMetric(float64(co.Milliseconds()), "cpu-ms/send-without")
	b.ReportMetric(float64(cw.Milliseconds()), "cpu-ms/send-with")
	b.ReportMetric(100*(float64(cw)-float64(co))/float64(co), "%cpu-overhead")
}

// watchStream logs an admin in on c and reads its progress stream for the
// sample week until stopped, as a browser tab does.
func watchStream(b *testing.B, c *console.Console, st *store.Store) (stop func()) {
	b.Helper()
	h, _ := editor.Hash(adminPass, bcrypt.MinCost)
	ctx := context.Background()
	if _, err := st.AddEditor(ctx, editor.Editor{Email: adminEmail, Role: editor.RoleAdmin, Password: h, Created: time.Now()}); err != nil {
		b.Fatal(err)
	}
	token := editor.NewToken()
	if err := st.CreateSession(ctx, editor.Session{ID: editor.SessionID(token), Editor: editor.Editor{ID: 1}, CSRF: "x",
		Created: time.Now(), Expires: time.Now().Add(time.Hour)}); err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(c.Handler())
	req, _ := http.NewRequest("GET", ts.URL+"/admin/weeks/"+week+"/progress", nil)
	req.AddCookie(&http.Cookie{Name: "folio_session", Value: token})
	rctx, cancel := context.WithCancel(ctx)
	req = req.WithContext(rctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body)
	})
	return func() { cancel(); wg.Wait(); ts.Close(); c.Close() }
}

// BenchmarkObserve is the cost of counting one delivery result.
func BenchmarkObserve(b *testing.B) {
	p := console.NewProgress(nil)
	defer p.Start(week)()
	r := delivery.Result{IssueID: week, State: delivery.StateSent}
	for b.Loop() {
		p.Observe(r)
	}
}

// processCPU is the process's CPU time so far, user and system.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
