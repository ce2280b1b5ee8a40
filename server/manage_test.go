package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/server"
)

// historyOf renders a member's history as "what from>to [source]".
func (e *env) historyOf(id int64) []string {
	e.t.Helper()
	evs, err := e.store.History(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		out = append(out, fmt.Sprintf("%s %s>%s [%s]", ev.What, ev.From, ev.To, ev.Source))
	}
	return out
}

func TestUnsubscribeRecordsSuppressionAndHistory(t *testing.T) {
	e := newEnv(t, "")
	ada, grace := e.members["ada@example.org"], e.members["grace@example.org"]
	// A mail client's one-click POST, and the confirmation page's button.
	if res, _ := e.do("POST", e.path(e.links.Unsubscribe(ada)), []byte(oneClick), form); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	if res, _ := e.do("POST", e.path(e.links.Unsubscribe(grace)), []byte(oneClick+"&via=page"), form); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	for _, tc := range []struct {
		m      member.Member
		source string
	}{{ada, "web one-click"}, {grace, "web page"}} {
		sp, ok, err := e.store.SuppressionOf(context.Background(), tc.m.Email)
		if err != nil || !ok || sp.Reason != member.ReasonUnsubscribe || sp.Source != tc.source || sp.At.IsZero() {
			t.Errorf("%s: suppression %+v %v %v", tc.m.Email, sp, ok, err)
		}
		h := e.historyOf(tc.m.ID)
		want := []string{"added >active [import upsert:" + fmt.Sprint(tc.m.ID) + "]",
			"status active>unsubscribed [" + tc.source + "]", "suppressed >unsubscribe [" + tc.source + "]"}
		if strings.Join(h, "|") != strings.Join(want, "|") {
			t.Errorf("%s: history %q, want %q", tc.m.Email, h, want)
		}
	}
}

func TestManagePage(t *testing.T) {
	e := newEnv(t, "")
	ada := e.members["ada@example.org"]
	link := e.path(e.links.Manage(ada))
	before := e.snapshot()
	res, body := e.do("GET", link, nil, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET: %d", res.StatusCode)
	}
	action := link + "/"
	for _, want := range []string{"ada@example.org", "arrives every week", `action="` + action + `pause"`, `action="` + action + `pdf"`,
		`action="` + action + `unsubscribe"`, `<option value="4">4 weeks</option>`} {
		if !strings.Contains(body, want) {
			t.Errorf("manage page lacks %q", want)
		}
	}
	assertUnchanged(t, before, e.snapshot())
	post := func(action string, v url.Values) (int, string) {
		t.Helper()
		res, body := e.do("POST", link+"/"+action, []byte(v.Encode()), form)
		return res.StatusCode, body
	}
	// Pause for three weeks.
	code, body := post("pause", url.Values{"weeks": {"3"}})
	until := e.clock.Now().Add(21 * 24 * time.Hour)
	if code != http.StatusOK || !strings.Contains(body, "paused</strong> until "+until.Format("2 January 2006")) {
		t.Fatalf("pause: %d\n%s", code, body)
	}
	got, _ := e.store.Member(context.Background(), ada.ID)
	if got.Status != member.StatusPaused || !got.PausedUntil.Equal(until) {
		t.Fatalf("stored %+v", got)
	}
	// The next send leaves her out; once the pause ends she is back.
	e.buildIssue("2026-W11", []testReview{{Section: "Film", Title: "A Week Off"}})
	if sum := e.sendWeek("2026-W11"); sum.Counts["sent"] != 1 {
		t.Fatalf("send during the pause: %+v", sum)
	}
	if n, err := e.store.ResumePaused(context.Background(), until); err != nil || n != 1 {
		t.Fatalf("resume: %d %v", n, err)
	}
	// The PDF preference.
	if code, body := post("pdf", url.Values{"deliver_pdf": {"link"}}); code != http.StatusOK || !strings.Contains(body, `value="link" checked`) {
		t.Fatalf("pdf: %d\n%s", code, body)
	}
	if code, body := post("pdf", url.Values{"deliver_pdf": {"epub"}}); code != http.StatusOK || !strings.Contains(body, `value="epub" checked`) {
		t.Fatalf("epub: %d\n%s", code, body)
	}
	if code, body := post("pdf", url.Values{"deliver_pdf": {"link"}}); code != http.StatusOK || !strings.Contains(body, `value="link" checked`) {
		t.Fatalf("pdf: %d\n%s", code, body)
	}
	if code, _ := post("pdf", url.Values{"deliver_pdf": {"fax"}}); code != http.StatusBadRequest {
		t.Errorf("bad pdf value: %d", code)
	}
	if code, _ := post("pause", url.Values{"weeks": {"0"}}); code != http.StatusBadRequest {
		t.Errorf("zero weeks: %d", code)
	}
	if code, _ := post("explode", nil); code != http.StatusNotFound {
		t.Errorf("unknown action: %d", code)
	}
	// Unsubscribe from the page.
	if code, body := post("unsubscribe", nil); code != http.StatusOK || !strings.Contains(body, "You are unsubscribed") {
		t.Fatalf("unsubscribe: %d\n%s", code, body)
	}
	if code, _ := post("pause", url.Values{"weeks": {"2"}}); code != http.StatusConflict {
		t.Errorf("pausing after unsubscribing: %d", code)
	}
	if _, body := e.do("GET", link, nil, nil); !strings.Contains(body, "<strong>unsubscribed</strong>") || strings.Contains(body, "Take a break") {
		t.Errorf("manage page after unsubscribing:\n%s", body)
	}
	want := []string{"added >active [import upsert:1]", "status active>paused [web manage page]", "status paused>active [schedule]",
		"deliver_pdf >link [web manage page]", "deliver_pdf link>epub [web manage page]", "deliver_pdf epub>link [web manage page]", "status active>unsubscribed [web manage page]", "suppressed >unsubscribe [web manage page]"}
	if h := e.historyOf(ada.ID); strings.Join(h, "|") != strings.Join(want, "|") {
		t.Errorf("history\n got %q\nwant %q", h, want)
	}
	// A forged manage token is refused and changes nothing.
	forger := *e.links
	forger.Secret = []byte("not the server's secret at all")
	grace := e.members["grace@example.org"]
	before = e.snapshot()
	res, _ = e.do("POST", e.path(forger.Manage(grace))+"/unsubscribe", nil, form)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("forged manage token: %d", res.StatusCode)
	}
	// An unsubscribe token is not a manage token.
	res, _ = e.do("GET", "/m/"+tokenOf(e.links.Unsubscribe(grace)), nil, nil)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("unsubscribe token on /m/: %d", res.StatusCode)
	}
	assertUnchanged(t, before, e.snapshot())
}

func TestMembersAPI(t *testing.T) {
	e := newEnv(t, adminToken)
	auth := http.Header{"Authorization": {"Bearer " + adminToken}, "Content-Type": {"application/json"}}
	call := func(method, path, body string) (int, string) {
		t.Helper()
		var b []byte
		if body != "" {
			b = []byte(body)
		}
		res, out := e.do(method, path, b, auth)
		return res.StatusCode, out
	}
	if res, _ := e.do("GET", "/api/members", nil, nil); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("no token: %d", res.StatusCode)
	}
	// Add a member, then page through the list.
	code, body := call("PUT", "/api/members/new@example.org", `{"name":"New Reader","tier":"print","status":"comped"}`)
	if code != http.StatusCreated {
		t.Fatalf("add: %d %s", code, body)
	}
	if got := decode[struct {
		Member  server.MemberJSON
		Outcome string
	}](t, body); got.Outcome != "added" || got.Member.Status != "active" || got.Member.ID == 0 {
		t.Errorf("add: %+v", got)
	}
	code, body = call("GET", "/api/members?limit=2", "")
	page := decode[struct {
		Members   []server.MemberJSON
		NextAfter int64 `json:"next_after"`
	}](t, body)
	if code != http.StatusOK || len(page.Members) != 2 || page.NextAfter != page.Members[1].ID {
		t.Fatalf("page 1: %d %s", code, body)
	}
	_, body = call("GET", fmt.Sprintf("/api/members?limit=2&after=%d", page.NextAfter), "")
	page2 := decode[struct {
		Members   []server.MemberJSON
		NextAfter int64 `json:"next_after"`
	}](t, body)
	if len(page2.Members) != 2 || page2.Members[0].ID <= page.NextAfter {
		t.Fatalf("page 2: %s", body)
	}
	if code, _ := call("GET", "/api/members?status=gone", ""); code != http.StatusBadRequest {
		t.Errorf("bad status filter: %d", code)
	}
	// Ada unsubscribes; the billing system's next call cannot undo it.
	ada := e.members["ada@example.org"]
	e.do("POST", e.path(e.links.Unsubscribe(ada)), []byte(oneClick), form)
	code, body = call("PUT", "/api/members/ada@example.org", `{"name":"Ada B.","tier":"print","status":"active"}`)
	got := decode[struct {
		Member  server.MemberJSON
		Outcome string
		Note    string
	}](t, body)
	if code != http.StatusOK || got.Outcome != "kept" || got.Note != "kept unsubscribed" || got.Member.Status != "unsubscribed" || got.Member.Name != "Ada B." {
		t.Fatalf("kept: %d %s", code, body)
	}
	if code, _ := call("PUT", "/api/members/ada@example.org", `{"status":"active","resubscribe":true}`); code != http.StatusBadRequest {
		t.Errorf("resubscribe without consent: %d", code)
	}
	code, body = call("PUT", "/api/members/ada@example.org", `{"name":"Ada B.","status":"active","resubscribe":true,"consent":"renewed at checkout, order 5521"}`)
	if code != http.StatusOK || !strings.Contains(body, `"outcome": "resubscribed"`) {
		t.Fatalf("resubscribe: %d %s", code, body)
	}
	code, body = call("GET", "/api/members/ADA@example.org", "")
	if code != http.StatusOK || !strings.Contains(body, `"what": "consent"`) || !strings.Contains(body, "renewed at checkout, order 5521") {
		t.Fatalf("member with history: %d %s", code, body)
	}
	// Bad input.
	for _, tc := range []struct{ path, body string }{
		{"/api/members/not-an-address", `{"status":"active"}`},
		{"/api/members/x@example.org", `{"status":"gone"}`},
		{"/api/members/x@example.org", `{"deliver_pdf":"fax"}`},
		{"/api/members/x@example.org", `{"unknown":1}`},
	} {
		if code, body := call("PUT", tc.path, tc.body); code != http.StatusBadRequest {
			t.Errorf("PUT %s %s: %d %s", tc.path, tc.body, code, body)
		}
	}
	// Delete: gone from the list, but a suppressed address stays out.
	e.do("POST", e.path(e.links.Unsubscribe(e.members["grace@example.org"])), []byte(oneClick), form)
	if code, body := call("DELETE", "/api/members/grace@example.org", ""); code != http.StatusOK || !strings.Contains(body, "grace@example.org") {
		t.Fatalf("delete: %d %s", code, body)
	}
	if code, _ := call("DELETE", "/api/members/grace@example.org", ""); code != http.StatusNotFound {
		t.Errorf("delete twice: %d", code)
	}
	if code, _ := call("GET", "/api/members/grace@example.org", ""); code != http.StatusNotFound {
		t.Errorf("get deleted: %d", code)
	}
	code, body = call("PUT", "/api/members/grace@example.org", `{"status":"active"}`)
	if code != http.StatusCreated || !strings.Contains(body, `"outcome": "kept"`) {
		t.Errorf("re-adding a deleted member who had unsubscribed: %d %s", code, body)
	}
}
