package server_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"
)

var form = http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}

const oneClick = "List-Unsubscribe=One-Click"

func TestUnsubscribeConfirmThenPost(t *testing.T) {
	e := newEnv(t, "")
	ada := e.members["ada@example.org"]
	link := e.path(e.links.Unsubscribe(ada))
	before := e.snapshot()

	// A GET (a mail scanner, a preview) only asks.
	res, body := e.do("GET", link, nil, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", link, res.StatusCode)
	}
	for _, want := range []string{"ada@example.org", `<form method="post">`, `name="List-Unsubscribe" value="One-Click"`, "<button"} {
		if !strings.Contains(body, want) {
			t.Errorf("confirmation page lacks %q", want)
		}
	}
	if got := res.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q", got)
	}
	if got := res.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy = %q", got)
	}
	assertUnchanged(t, before, e.snapshot())

	// The button's POST: same URL, same body as RFC 8058's one-click.
	res, body = e.do("POST", link, []byte(oneClick), form)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "You are unsubscribed") {
		t.Fatalf("POST: %d %s", res.StatusCode, body)
	}
	if st := e.status(ada.ID); st != member.StatusUnsubscribed {
		t.Fatalf("status after POST = %s", st)
	}
	// Again: still 200, still unsubscribed; the GET now says so.
	if res, _ := e.do("POST", link, []byte(oneClick), form); res.StatusCode != http.StatusOK {
		t.Errorf("second POST: %d", res.StatusCode)
	}
	if _, body := e.do("GET", link, nil, nil); !strings.Contains(body, "You are unsubscribed") {
		t.Errorf("GET after unsubscribing does not say so")
	}
	// Nobody else changed.
	for _, m := range []string{"grace@example.org", "alan@example.org"} {
		if st := e.status(e.members[m].ID); st != member.StatusActive {
			t.Errorf("%s: %s", m, st)
		}
	}
}

func TestUnsubscribeMultipartBody(t *testing.T) {
	// RFC 8058 allows the POST as multipart/form-data too.
	e := newEnv(t, "")
	grace := e.members["grace@example.org"]
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("List-Unsubscribe", "One-Click"); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	res, _ := e.do("POST", e.path(e.links.Unsubscribe(grace)), buf.Bytes(),
		http.Header{"Content-Type": {mw.FormDataContentType()}})
	if res.StatusCode != http.StatusOK || e.status(grace.ID) != member.StatusUnsubscribed {
		t.Fatalf("multipart one-click: %d, status %s", res.StatusCode, e.status(grace.ID))
	}
}

// TestOneClickFromTheEmail follows the List-Unsubscribe header of a real
// sent message, as a mailbox provider does, and checks that the next send
// skips the member.
func TestOneClickFromTheEmail(t *testing.T) {
	e := newEnvTLS(t, "")
	e.buildIssue("2026-W10", []testReview{{Section: "Film", Title: "Lanterns at Low Tide"}})
	sum := e.sendWeek("2026-W10")
	if sum.Sent != 2 {
		t.Fatalf("first send: %+v", sum)
	}
	ada := e.members["ada@example.org"]
	data, err := os.ReadFile(filepath.Join(e.outbox, "2026-W10."+itoa(ada.ID)+".eml"))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("List-Unsubscribe-Post"); got != oneClick {
		t.Fatalf("List-Unsubscribe-Post = %q", got)
	}
	m := regexp.MustCompile(`<(https://[^>]+)>`).FindStringSubmatch(msg.Header.Get("List-Unsubscribe"))
	if m == nil {
		t.Fatalf("no https URL in List-Unsubscribe %q", msg.Header.Get("List-Unsubscribe"))
	}
	// No cookie jar, no login: just the POST.
	res, err := e.client.Post(m[1], "application/x-www-form-urlencoded", strings.NewReader(oneClick))
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("one-click POST: %d", res.StatusCode)
	}

	// The next issue: its ledger is made after the unsubscribe, so Ada
	// has no row; Grace gets hers.
	e.buildIssue("2026-W11", []testReview{{Section: "Books", Title: "The Cartographer's Cat"}})
	sum = e.sendWeek("2026-W11")
	if sum.Sent != 1 {
		t.Errorf("second send: %+v", sum)
	}
	if _, err := os.Stat(filepath.Join(e.outbox, "2026-W11."+itoa(ada.ID)+".eml")); !os.IsNotExist(err) {
		t.Errorf("Ada got the next issue after unsubscribing (stat: %v)", err)
	}
}

// TestUnsubscribeBeforePendingRowIsSent: the row exists already (the run
// was interrupted); the unsubscribe still wins over the send.
func TestUnsubscribeBeforePendingRowIsSent(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	if _, err := e.store.EnsureDeliveries(ctx, "2026-W12", testAudience, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	grace := e.members["grace@example.org"]
	if res, _ := e.do("POST", e.path(e.links.Unsubscribe(grace)), []byte(oneClick), form); res.StatusCode != http.StatusOK {
		t.Fatalf("POST: %d", res.StatusCode)
	}
	sum := e.sendWeek("2026-W12")
	if sum.Sent != 1 || sum.Skipped() != 1 {
		t.Fatalf("send after unsubscribe: %+v", sum)
	}
	ds, err := e.store.Deliveries(ctx, "2026-W12")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.MemberID == grace.ID && d.State != delivery.StateSkipped {
			t.Errorf("Grace's row is %s, want skipped", d.State)
		}
	}
}

func (e *env) status(id int64) member.Status {
	e.t.Helper()
	m, err := e.store.Member(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return m.Status
}
