package console_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/mailer/smtptest"
)

// waitDone polls the week page, as an editor without JavaScript reloads
// it, until every member's delivery is over.
func (b *browserless) waitDone() string {
	b.d.t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		_, body := b.get("/admin/weeks/" + week)
		if strings.Contains(body, "Done: every member") && !strings.Contains(body, "Sending from this desk") {
			return body
		}
	}
	_, body := b.get("/admin/weeks/" + week)
	b.d.t.Fatalf("the send did not finish:\n%s", body)
	return ""
}

func (d *desk) to(addr string) int {
	n := 0
	for _, m := range d.relay.Messages() {
		for _, r := range m.To {
			if strings.EqualFold(r, addr) {
				n++
			}
		}
	}
	return n
}

// TestWeekWithoutJavaScript is an editor's week done with plain forms:
// build, preview (PDF pages, the email as a member gets it, the web
// version), a test copy that reaches the relay, the confirmation naming
// the members, the send and its progress to the end; every step audited.
func TestWeekWithoutJavaScript(t *testing.T) {
	d := newDesk(t, deskOpts{})
	b := d.client()
	b.mustLogin(editEmail, editPass)
	ctx := context.Background()

	code, body := b.get("/admin/weeks")
	if code != 200 || !strings.Contains(body, week) || !strings.Contains(body, "not built") {
		t.Fatalf("weeks: %d\n%s", code, body)
	}
	_, body = b.get("/admin/weeks/" + week)
	for _, title := range []string{"The Salt Orchard", "reviews/film/the-salt-orchard.md"} {
		if !strings.Contains(body, title) {
			t.Errorf("week page lacks %q", title)
		}
	}
	code, loc, _ := b.post("/admin/weeks/"+week+"/build", nil)
	if code != http.StatusSeeOther || !strings.Contains(loc, "done=built") {
		t.Fatalf("build: %d %s", code, loc)
	}
	if _, body = b.get(loc); !strings.Contains(body, "Built. The previews") || !strings.Contains(body, `<span class="state ok">built</span>`) {
		t.Errorf("after the build: %s", body)
	}

	// Previews.
	soren, err := d.st.MemberByEmail(ctx, "soren.kjaer@example.net")
	if err != nil {
		t.Fatal(err)
	}
	_, body = b.get("/admin/weeks/" + week + "/preview?member=soren.kjaer@example.net&scheme=dark&width=phone")
	pages := regexp.MustCompile(`<img src="/admin/weeks/2026-W10/pages/(\d+)"`).FindAllStringSubmatch(body, -1)
	if len(pages) < 4 || !strings.Contains(body, `iframe class="preview dark phone"`) || !strings.Contains(body, "As Søren Kjær") {
		t.Fatalf("preview page: %d thumbnails\n%s", len(pages), body)
	}
	for _, tc := range []struct{ path, want string }{
		{"/pages/1", "\x89PNG"},
		{"/pages/" + pages[len(pages)-1][1], "\x89PNG"},
		{fmt.Sprintf("/email?member=%d", soren.ID), "Søren Kjær"},
		{fmt.Sprintf("/email?member=%d&part=text", soren.ID), "Søren Kjær"},
		{"/email", "Sample Reader"},
		{"/web/", "The Salt Orchard"},
		{"/web/images/the-salt-orchard.jpg", "\xff\xd8"},
		{"/issue.pdf", "%PDF-"},
	} {
		code, body := b.get("/admin/weeks/" + week + tc.path)
		if code != 200 || !strings.Contains(body, tc.want) {
			t.Errorf("GET %s: %d, lacks %q", tc.path, code, tc.want)
		}
	}
	// Dark: the email's own dark rules apply, as in a mail client in dark
	// mode; light keeps them behind the media query.
	_, dark := b.get(fmt.Sprintf("/admin/weeks/%s/email?member=%d&scheme=dark", week, soren.ID))
	_, light := b.get(fmt.Sprintf("/admin/weeks/%s/email?member=%d&scheme=light", week, soren.ID))
	if !strings.Contains(dark, "@media all") || strings.Contains(dark, "prefers-color-scheme:dark") || !strings.Contains(light, "prefers-color-scheme:dark") {
		t.Error("the dark preview does not apply the email's dark rules, or the light one does")
	}
	// The member's copy has their own signed issue link.
	_, html := b.get(fmt.Sprintf("/admin/weeks/%s/email?member=%d", week, soren.ID))
	if !strings.Contains(html, "/archive/") || strings.Contains(html, "weekly.example.org/issues/2026-W10/#") {
		t.Error("the member's preview does not carry their own issue links")
	}

	// A test copy to two addresses, touching no ledger.
	code, loc, _ = b.post("/admin/weeks/"+week+"/test", url.Values{"to": {"desk@example.org\nproof@example.org"}})
	if code != http.StatusSeeOther || !strings.Contains(loc, "done=tested&n=2") {
		t.Fatalf("test send: %d %s", code, loc)
	}
	if d.to("desk@example.org") != 1 || d.to("proof@example.org") != 1 {
		t.Fatalf("test copies at the relay: %d, %d", d.to("desk@example.org"), d.to("proof@example.org"))
	}
	if counts, _ := d.st.Counts(ctx, week); len(counts) != 0 {
		t.Errorf("a test touched the ledger: %v", counts)
	}

	// The confirmation names how many members the send reaches.
	_, body = b.get("/admin/weeks/" + week + "/send")
	if !strings.Contains(body, "<strong>6 members</strong>") {
		t.Fatalf("confirmation: %s", body)
	}
	code, loc, _ = b.post("/admin/weeks/"+week+"/send", url.Values{"reach": {"6"}})
	if code != http.StatusSeeOther || !strings.Contains(loc, "done=sending") {
		t.Fatalf("send: %d %s", code, loc)
	}
	body = b.waitDone()
	if !strings.Contains(body, "<dt>Sent</dt><dd>6</dd>") {
		t.Errorf("figures at the end: %s", body)
	}
	// The confirmation counts afresh once the send is over: nobody is left.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, body = b.get("/admin/weeks/" + week + "/send"); strings.Contains(body, "<strong>0 members</strong>") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("confirmation after the send: %s", body)
		}
	}
	if n := len(d.relay.Messages()); n != 8 {
		t.Errorf("relay got %d messages, want 2 tests and 6 members", n)
	}
	want := []string{editEmail + " login ", editEmail + " build " + week, editEmail + " test-send " + week, editEmail + " send " + week}
	if got := strings.Join(d.auditActions(), "|"); got != strings.Join(want, "|") {
		t.Errorf("audit log:\n%s\nwant\n%s", got, strings.Join(want, "|"))
	}
}

// TestProgressStream reads the progress stream as htmx's SSE extension
// does: events named progress whose data is the figures' fragment.
func TestProgressStream(t *testing.T) {
	d := newDesk(t, deskOpts{})
	b := d.client()
	b.mustLogin(editEmail, editPass)
	b.post("/admin/weeks/"+week+"/build", nil)
	b.post("/admin/weeks/"+week+"/send", nil)
	b.waitDone()
	res, err := b.c.Get(d.ts.URL + "/admin/weeks/" + week + "/progress")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	sc := bufio.NewScanner(res.Body)
	var event []string
	for sc.Scan() && sc.Text() != "" {
		event = append(event, sc.Text())
	}
	ev := strings.Join(event, "\n")
	if !strings.HasPrefix(ev, "event: progress\ndata: ") || !strings.Contains(ev, "<dt>Sent</dt><dd>6</dd>") || !strings.Contains(ev, "Done: every member") {
		t.Errorf("first event:\n%s", ev)
	}
	for _, line := range event[1:] {
		if !strings.HasPrefix(line, "data: ") {
			t.Errorf("a line of the event is not data: %q", line)
		}
	}
}

// TestFailedMembersAndRetry: the relay refuses one member; the week lists
// them with the relay's reply; "retry failed" sends them once the relay
// takes them.
func TestFailedMembersAndRetry(t *testing.T) {
	var refuse atomic.Bool
	refuse.Store(true)
	d := newDesk(t, deskOpts{hook: func(stage smtptest.Stage, _, rcpt string) smtptest.Action {
		if stage == smtptest.StageRcpt && refuse.Load() && strings.HasPrefix(rcpt, "soren") {
			return smtptest.Action{Reply: &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox here"}}
		}
		return smtptest.Action{}
	}})
	b := d.client()
	b.mustLogin(editEmail, editPass)
	b.post("/admin/weeks/"+week+"/build", nil)
	b.post("/admin/weeks/"+week+"/send", nil)
	body := b.waitDone()
	if !strings.Contains(body, "Failed members") || !strings.Contains(body, "soren.kjaer@example.net") || !strings.Contains(body, "550 5.1.1 no such mailbox here") {
		t.Fatalf("failed members: %s", body)
	}
	refuse.Store(false)
	// The refusal suppressed the address (5.1.1 is the recipient's);
	// lifting it is the admin's: here the retry itself is the test.
	ctx := context.Background()
	_ = d.st.Change(ctx, "", func(tx member.Tx) error { return tx.Unsuppress("soren.kjaer@example.net") })
	code, loc, _ := b.post("/admin/weeks/"+week+"/retry", nil)
	if code != http.StatusSeeOther || !strings.Contains(loc, "done=retrying&n=1") {
		t.Fatalf("retry: %d %s", code, loc)
	}
	b.waitDone()
	counts, _ := d.st.Counts(ctx, week)
	if counts[delivery.StateSent] != 6 || d.to("soren.kjaer@example.net") != 1 {
		t.Errorf("after the retry: %v, soren got %d", counts, d.to("soren.kjaer@example.net"))
	}
}

// TestPauseAndResume: a pause stops the send with the rest pending; the
// resume sends the rest, each member once.
func TestPauseAndResume(t *testing.T) {
	d := newDesk(t, deskOpts{hook: func(stage smtptest.Stage, _, _ string) smtptest.Action {
		if stage == smtptest.StageRcpt {
			return smtptest.Action{Delay: 15 * time.Millisecond}
		}
		return smtptest.Action{}
	}})
	var ms []member.Member
	for i := range 24 {
		ms = append(ms, member.Member{Email: fmt.Sprintf("reader%02d@example.org", i), Name: "R", Tier: "digital", Status: member.StatusActive})
	}
	if _, _, err := d.st.UpsertMembers(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	b := d.client()
	b.mustLogin(editEmail, editPass)
	b.post("/admin/weeks/"+week+"/build", nil)
	b.post("/admin/weeks/"+week+"/send", nil)
	for len(d.relay.Messages()) < 4 {
		time.Sleep(10 * time.Millisecond)
	}
	if code, loc, _ := b.post("/admin/weeks/"+week+"/pause", nil); code != http.StatusSeeOther || !strings.Contains(loc, "done=paused") {
		t.Fatalf("pause: %d %s", code, loc)
	}
	ctx := context.Background()
	var counts map[delivery.State]int
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if !d.prog.Live(week).Running {
			break
		}
	}
	counts, _ = d.st.Counts(ctx, week)
	if counts[delivery.StatePending] == 0 || counts[delivery.StateSent] == 30 {
		t.Fatalf("after the pause: %v", counts)
	}
	_, body := b.get("/admin/weeks/" + week)
	if !strings.Contains(body, "paused by "+editEmail) || !strings.Contains(body, ">Resume</button>") {
		t.Errorf("week page while paused: %s", body)
	}
	sentWhilePaused := len(d.relay.Messages())
	time.Sleep(200 * time.Millisecond)
	if n := len(d.relay.Messages()); n != sentWhilePaused {
		t.Errorf("%d messages went out while paused", n-sentWhilePaused)
	}
	if code, loc, _ := b.post("/admin/weeks/"+week+"/resume", nil); code != http.StatusSeeOther || !strings.Contains(loc, "done=resumed") {
		t.Fatalf("resume: %d %s", code, loc)
	}
	b.waitDone()
	seen := map[string]int{}
	for _, m := range d.relay.Messages() {
		seen[m.To[0]]++
	}
	if len(seen) != 30 {
		t.Errorf("%d members got the issue, want 30", len(seen))
	}
	for a, n := range seen {
		if n != 1 {
			t.Errorf("%s got %d copies", a, n)
		}
	}
}

// TestScheduleCancelAndRun: a send scheduled for a time can be cancelled
// before it starts; one left scheduled starts when due.
func TestScheduleCancelAndRun(t *testing.T) {
	d := newDesk(t, deskOpts{})
	b := d.client()
	b.mustLogin(editEmail, editPass)
	b.post("/admin/weeks/"+week+"/build", nil)
	// The confirmation offers the time, naming the members as for a send now.
	if _, body := b.get("/admin/weeks/" + week + "/send"); !strings.Contains(body, `action="/admin/weeks/`+week+`/schedule"`) ||
		!strings.Contains(body, "Schedule the send to 6 members") {
		t.Fatalf("confirmation without the schedule: %s", body)
	}
	at := d.clock.Now().In(mustNY()).Add(time.Hour).Format("2006-01-02T15:04")
	if code, loc, _ := b.post("/admin/weeks/"+week+"/schedule", url.Values{"at": {at}, "reach": {"6"}}); code != http.StatusSeeOther || !strings.Contains(loc, "done=scheduled") {
		t.Fatalf("schedule: %d %s", code, loc)
	}
	if _, body := b.get("/admin/weeks/" + week + "/send"); !strings.Contains(body, "Already scheduled for") || !strings.Contains(body, `value="`+at+`"`) {
		t.Errorf("confirmation does not show the plan: %s", body)
	}
	if _, body := b.get("/admin/weeks/" + week); !strings.Contains(body, "Cancel the scheduled send") {
		t.Errorf("week page without the cancel: %s", body)
	}
	if _, body := b.get("/admin/weeks"); !strings.Contains(body, "scheduled for") {
		t.Errorf("weeks list does not show the plan: %s", body)
	}
	if code, loc, _ := b.post("/admin/weeks/"+week+"/cancel", nil); code != http.StatusSeeOther || !strings.Contains(loc, "done=cancelled") {
		t.Fatalf("cancel: %d %s", code, loc)
	}
	d.clock.Add(2 * time.Hour)
	time.Sleep(200 * time.Millisecond)
	if n := len(d.relay.Messages()); n != 0 {
		t.Fatalf("a cancelled send sent %d messages", n)
	}
	at = d.clock.Now().In(mustNY()).Add(time.Hour).Format("2006-01-02T15:04")
	b.post("/admin/weeks/"+week+"/schedule", url.Values{"at": {at}})
	if code, _, body := b.post("/admin/weeks/"+week+"/schedule", url.Values{"at": {"2020-01-01T07:00"}}); code != http.StatusBadRequest || !strings.Contains(body, "has passed") {
		t.Errorf("a time in the past: %d", code)
	}
	d.clock.Add(61 * time.Minute)
	b.waitDone()
	if n := len(d.relay.Messages()); n != 6 {
		t.Errorf("the scheduled send delivered %d messages, want 6", n)
	}
}

func mustNY() *time.Location {
	loc, _ := time.LoadLocation("America/New_York")
	return loc
}

// TestBrokenReviewIsShown: a broken review is listed with its file, line
// and field; the build refuses it and says why; nothing drops silently.
func TestBrokenReviewIsShown(t *testing.T) {
	d := newDesk(t, deskOpts{})
	bad := filepath.Join(d.reviews, "film", "broken.md")
	if err := os.WriteFile(bad, []byte("---\ntitle: Broken\nsection: Film\npublished: 2026-03-04\nrating: 7\n---\nA body.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := d.client()
	b.mustLogin(editEmail, editPass)
	_, body := b.get("/admin/weeks/" + week)
	if !strings.Contains(body, "broken.md:5: <strong>rating</strong>") || !strings.Contains(body, "The Salt Orchard") {
		t.Fatalf("week page does not show the broken review with its line and field:\n%s", body)
	}
	code, _, body := b.post("/admin/weeks/"+week+"/build", nil)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "broken.md:5: rating") {
		t.Fatalf("build with a broken review: %d\n%s", code, body)
	}
}

// TestPreviewFollowsARebuild: the email preview keeps the loaded issue
// between views, and shows a rebuilt one at once.
func TestPreviewFollowsARebuild(t *testing.T) {
	d := newDesk(t, deskOpts{})
	b := d.client()
	b.mustLogin(editEmail, editPass)
	b.post("/admin/weeks/"+week+"/build", nil)
	if _, body := b.get("/admin/weeks/" + week + "/email"); !strings.Contains(body, "The Salt Orchard") {
		t.Fatal("the preview lacks the review")
	}
	path := filepath.Join(d.reviews, "film", "the-salt-orchard.md")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, bytes.Replace(src, []byte(`title: "The Salt Orchard"`), []byte(`title: "The Salt Orchard, Revisited"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := b.post("/admin/weeks/"+week+"/build", nil); code != http.StatusSeeOther {
		t.Fatalf("rebuild: %d", code)
	}
	if _, body := b.get("/admin/weeks/" + week + "/email?part=text"); !strings.Contains(body, "The Salt Orchard, Revisited") {
		t.Error("the preview shows the issue from before the rebuild")
	}
}
