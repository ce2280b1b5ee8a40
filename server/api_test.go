package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/server"
)

// gatedEditor holds each SendWeek until the gate opens (or its context
// ends), then runs the real one: it makes "a send is running" observable.
type gatedEditor struct {
	server.Editor
	gate     chan struct{}
	started  chan struct{}
	finished chan error
}

func (g *gatedEditor) SendWeek(ctx context.Context, w issue.Week) (delivery.Summary, error) {
	g.started <- struct{}{}
	select {
	case <-g.gate:
	case <-ctx.Done():
		g.finished <- ctx.Err()
		return delivery.Summary{}, ctx.Err()
	}
	sum, err := g.Editor.SendWeek(ctx, w)
	g.finished <- err
	return sum, err
}

// TestSend is held like SendWeek, but ignores ctx: it stands for a
// request the server must let finish while shutting down.
func (g *gatedEditor) TestSend(ctx context.Context, w issue.Week, to string) error {
	g.started <- struct{}{}
	<-g.gate
	err := g.Editor.TestSend(ctx, w, to)
	g.finished <- err
	return err
}

func newGated() *gatedEditor {
	return &gatedEditor{gate: make(chan struct{}), started: make(chan struct{}, 4), finished: make(chan error, 4)}
}

func decode[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, body)
	}
	return v
}

func TestEditorAPISend(t *testing.T) {
	g := newGated()
	e := startEnv(t, envOpts{admin: adminToken, wrap: func(ed server.Editor) server.Editor { g.Editor = ed; return g }})
	e.buildIssue("2026-W10", []testReview{{Section: "Film", Title: "Lanterns at Low Tide"}})
	auth := bearer(adminToken)

	res, body := e.do("POST", "/api/weeks/2026-W10/send", nil, auth)
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("send: %d %s", res.StatusCode, body)
	}
	if j := decode[server.Job](t, body); !j.Running || j.Week != "2026-W10" {
		t.Errorf("send answer: %+v", j)
	}
	<-g.started
	// While it runs, a second send is refused and the week shows it.
	if res, body := e.do("POST", "/api/weeks/2026-W10/send", []byte("{}"), auth); res.StatusCode != http.StatusConflict {
		t.Errorf("second send while running: %d %s", res.StatusCode, body)
	}
	_, body = e.do("GET", "/api/weeks/2026-W10", nil, auth)
	if st := decode[server.WeekStatus](t, body); st.Job == nil || !st.Job.Running || st.Total != 0 {
		t.Errorf("status while held: %+v", st)
	}
	close(g.gate)
	if err := <-g.finished; err != nil {
		t.Fatal(err)
	}
	st := waitIdle(t, e, auth)
	if st.Counts["sent"] != 2 || st.Total != 2 || st.Job.Error != "" || st.Job.Summary == nil || st.Job.Summary.Sent != 2 {
		t.Errorf("after the send: %+v job %+v", st, st.Job)
	}
	if n := e.outboxFiles(); n != 2 {
		t.Errorf("outbox has %d messages, want 2", n)
	}

	// Sending again is accepted and delivers nothing twice.
	if res, _ := e.do("POST", "/api/weeks/2026-W10/send", nil, auth); res.StatusCode != http.StatusAccepted {
		t.Fatalf("resend: %d", res.StatusCode)
	}
	<-g.started
	if err := <-g.finished; err != nil {
		t.Fatalf("resend: %v", err)
	}
	st = waitIdle(t, e, auth)
	if st.Counts["sent"] != 2 || st.Job.Summary.Sent != 0 || e.outboxFiles() != 2 {
		t.Errorf("resend: %+v job %+v, outbox %d", st, st.Job.Summary, e.outboxFiles())
	}
}

// waitIdle polls the week until the API's send job has finished.
func waitIdle(t *testing.T, e *env, auth http.Header) server.WeekStatus {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		_, body := e.do("GET", "/api/weeks/2026-W10", nil, auth)
		st := decode[server.WeekStatus](t, body)
		if st.Job != nil && !st.Job.Running {
			return st
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the send did not finish")
	return server.WeekStatus{}
}

func TestEditorAPITestSend(t *testing.T) {
	e := newEnv(t, adminToken)
	e.buildIssue("2026-W10", []testReview{{Section: "Film", Title: "Lanterns at Low Tide"}})
	before := e.snapshot("2026-W10")
	res, body := e.do("POST", "/api/weeks/2026-W10/test", []byte(`{"to": "editor@example.org"}`), bearer(adminToken))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("test send: %d %s", res.StatusCode, body)
	}
	if got := decode[map[string]string](t, body); got["sent_to"] != "editor@example.org" {
		t.Errorf("answer: %v", got)
	}
	if n := e.outboxFiles(); n != 1 {
		t.Errorf("outbox has %d messages, want 1", n)
	}
	// A test copy touches no ledger.
	assertUnchanged(t, before, e.snapshot("2026-W10"))
}

func TestEditorAPIWeekCounts(t *testing.T) {
	e := newEnv(t, adminToken)
	if _, err := e.store.EnsureDeliveries(context.Background(), "2026-W10", testAudience, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	res, body := e.do("GET", "/api/weeks/2026-w10", nil, http.Header{"Authorization": {"bearer " + adminToken}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("week: %d %s", res.StatusCode, body)
	}
	st := decode[server.WeekStatus](t, body)
	if st.Week != "2026-W10" || st.Counts["pending"] != 2 || st.Total != 2 || st.Job != nil {
		t.Errorf("week status: %+v", st)
	}
	for _, s := range delivery.States() {
		if _, ok := st.Counts[string(s)]; !ok {
			t.Errorf("counts lack state %s", s)
		}
	}
}
