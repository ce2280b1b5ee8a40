package server_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/server"
)

// serveGated runs a second server on a real listener over an env whose
// editor is held by a gate; cancel stands for SIGTERM.
func serveGated(t *testing.T) (url string, g *gatedEditor, cancel context.CancelFunc, done chan error) {
	g = newGated()
	e := startEnv(t, envOpts{admin: adminToken, wrap: func(ed server.Editor) server.Editor { g.Editor = ed; return g }})
	e.buildIssue("2026-W10", []testReview{{Section: "Film", Title: "Lanterns at Low Tide"}})
	srv := e.newServer(adminToken)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	done = make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	return "http://" + ln.Addr().String(), g, cancel, done
}

func post(t *testing.T, url, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+adminToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	return res
}

func waitServe(t *testing.T, done chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
}

// TestServeCancelsBackgroundSends: on shutdown a send started from the
// API is cancelled (the ledger resumes it later) and awaited.
func TestServeCancelsBackgroundSends(t *testing.T) {
	url, g, cancel, done := serveGated(t)
	res, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/healthz: %d", res.StatusCode)
	}
	if res := post(t, url+"/api/weeks/2026-W10/send", ""); res.StatusCode != http.StatusAccepted {
		t.Fatalf("send: %d", res.StatusCode)
	}
	<-g.started
	cancel()
	waitServe(t, done)
	if err := <-g.finished; err != context.Canceled {
		t.Errorf("held send ended with %v, want context.Canceled", err)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

// TestServeDrainsRequestsInFlight: a request being served when the
// shutdown starts still gets its answer.
func TestServeDrainsRequestsInFlight(t *testing.T) {
	url, g, cancel, done := serveGated(t)
	answer := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", url+"/api/weeks/2026-W10/test", strings.NewReader(`{"to":"editor@example.org"}`))
		req.Header.Set("Authorization", "Bearer "+adminToken)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			answer <- -1
			return
		}
		_ = res.Body.Close()
		answer <- res.StatusCode
	}()
	<-g.started
	cancel()
	time.Sleep(50 * time.Millisecond) // the shutdown is under way
	select {
	case err := <-done:
		t.Fatalf("Serve returned (%v) with a request in flight", err)
	default:
	}
	close(g.gate)
	if code := <-answer; code != http.StatusOK {
		t.Errorf("in-flight test send: %d, want 200", code)
	}
	if err := <-g.finished; err != nil {
		t.Error(err)
	}
	waitServe(t, done)
}
