package console_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/foliopress/folio/internal/console"
	"github.com/foliopress/folio/internal/member"
)

// TestMembers: search by the start of an address or name, a member's page
// with their deliveries and history, a status change, a suppression and
// its lifting with the member's consent.
func TestMembers(t *testing.T) {
	d := newDesk(t, deskOpts{})
	ctx := context.Background()
	b := d.client()
	b.mustLogin(adminEmail, adminPass)
	_, body := b.get("/admin/members?q=SØR")
	if !strings.Contains(body, "soren.kjaer@example.net") && !strings.Contains(body, "No member matches") {
		t.Fatalf("search: %s", body)
	}
	_, body = b.get("/admin/members?q=sor")
	if !strings.Contains(body, "soren.kjaer@example.net") || strings.Contains(body, "zoe") {
		t.Fatalf("search 'sor': %s", body)
	}
	if !strings.Contains(body, "8 members:") {
		t.Errorf("member counts missing: %s", body)
	}
	m, _ := d.st.MemberByEmail(ctx, "soren.kjaer@example.net")
	page := fmt.Sprintf("/admin/members/%d", m.ID)
	b.get(page)
	if code, _, _ := b.post(page+"/suppress", url.Values{"note": {"asked us by letter"}}); code != http.StatusSeeOther {
		t.Fatalf("suppress: %d", code)
	}
	if _, ok, _ := d.st.SuppressionOf(ctx, m.Email); !ok {
		t.Fatal("not suppressed")
	}
	_, body = b.get(page)
	if !strings.Contains(body, "suppressed: manual") || !strings.Contains(body, "asked us by letter") {
		t.Errorf("member page after the suppression: %s", body)
	}
	if code, _, _ := b.post(page+"/unsuppress", url.Values{"note": {"lifted after checking"}}); code != http.StatusSeeOther {
		t.Fatalf("unsuppress: %d", code)
	}
	if _, ok, _ := d.st.SuppressionOf(ctx, m.Email); ok {
		t.Fatal("still suppressed")
	}
	// Unsubscribe them, then reactivating needs their consent noted.
	b.post(page+"/status", url.Values{"status": {"unsubscribed"}, "note": {"asked by phone"}})
	if code, _, body := b.post(page+"/status", url.Values{"status": {"active"}}); code != http.StatusBadRequest || !strings.Contains(body, "consent") {
		t.Errorf("reactivation without consent: %d", code)
	}
	if code, _, _ := b.post(page+"/status", url.Values{"status": {"active"}, "note": {"opted in again at the festival stand"}}); code != http.StatusSeeOther {
		t.Fatal("reactivation with consent refused")
	}
	if after, _ := d.st.Member(ctx, m.ID); after.Status != member.StatusActive {
		t.Errorf("status %s", after.Status)
	}
	_, body = b.get(page)
	for _, want := range []string{"unsubscribed", "asked by phone", "opted in again at the festival stand", "console " + adminEmail} {
		if !strings.Contains(body, want) {
			t.Errorf("history lacks %q", want)
		}
	}
}

// TestImportPreviewThenCommit: the preview lists every error line and
// what would change and writes nothing; the commit imports the valid rows
// only when told to leave the invalid ones out; export gives them back.
func TestImportPreviewThenCommit(t *testing.T) {
	d := newDesk(t, deskOpts{})
	ctx := context.Background()
	b := d.client()
	b.mustLogin(adminEmail, adminPass)
	b.get("/admin/import")
	csv := "email,name,tier,status\n" +
		"new.reader@example.org,New Reader,digital,active\n" +
		"soren.kjaer@example.net,Søren K.,print,active\n" +
		"not-an-address,Bad,digital,active\n" +
		"other@example.org,Other,digital,lapsed-ish\n"
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", b.csrf)
	fw, _ := mw.CreateFormFile("file", "members.csv")
	_, _ = fw.Write([]byte(csv))
	_ = mw.Close()
	before, _ := d.st.CountMembers(ctx)
	code, body := b.postMultipart("/admin/import/preview", &buf, mw.FormDataContentType())
	if code != 200 {
		t.Fatalf("preview: %d\n%s", code, body)
	}
	for _, want := range []string{"2 invalid line(s)", "members.csv:4: email", "members.csv:5: status", "new.reader@example.org</td><td>add", "soren.kjaer@example.net</td><td>update", "name &#34;Søren Kjær&#34; → &#34;Søren K.&#34;"} {
		if !strings.Contains(body, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if after, _ := d.st.CountMembers(ctx); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("the preview wrote: %v → %v", before, after)
	}
	data := regexp.MustCompile(`name="data" value="([^"]+)"`).FindStringSubmatch(body)
	if data == nil {
		t.Fatal("the preview does not carry the file to the confirmation")
	}
	form := url.Values{"data": {data[1]}, "file_name": {"members.csv"}}
	if code, _, body := b.post("/admin/import", form); code != http.StatusBadRequest || !strings.Contains(body, "2 invalid lines") {
		t.Fatalf("commit with invalid lines, not skipped: %d", code)
	}
	if after, _ := d.st.CountMembers(ctx); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatal("a refused import wrote")
	}
	form.Set("skip_invalid", "on")
	if code, loc, _ := b.post("/admin/import", form); code != http.StatusSeeOther || !strings.Contains(loc, "done=imported&n=2") {
		t.Fatalf("commit: %d %s", code, loc)
	}
	if m, err := d.st.MemberByEmail(ctx, "new.reader@example.org"); err != nil || m.Name != "New Reader" {
		t.Errorf("imported member: %+v %v", m, err)
	}
	code, body = b.get("/admin/export.csv")
	if code != 200 || !strings.Contains(body, "new.reader@example.org") || !strings.HasPrefix(body, "email,") {
		t.Errorf("export: %d %.80q", code, body)
	}
	acts := strings.Join(d.auditActions(), "|")
	if !strings.Contains(acts, "import members.csv") || !strings.Contains(acts, "export members.csv") {
		t.Errorf("audit: %s", acts)
	}
}

// TestDashboard shows the weeks (a send from the console reads "sent"
// and is among the last runs, with its editor),
// the next run, each issue's complaint rate against Gmail's 0.3% line,
// and the health checks, a failing one as down with what it saw.
func TestDashboard(t *testing.T) {
	d := newDesk(t, deskOpts{checks: []console.Check{{Name: "inbound listener", Run: func(context.Context) (string, error) {
		return "", errors.New("127.0.0.1:2525: connection refused")
	}}}})
	ctx := context.Background()
	b := d.client()
	b.mustLogin(editEmail, editPass)
	b.post("/admin/weeks/"+week+"/build", nil)
	b.post("/admin/weeks/"+week+"/send", nil)
	b.waitDone()
	// One of the six members reports the issue as spam.
	if _, err := (&member.Lifecycle{Store: d.st}).Leave(ctx, member.Ref{Email: "soren.kjaer@example.net"}, member.ReasonComplaint,
		member.Change{Why: "abuse report", Source: "arf"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.st.RefreshIssueStats(ctx, week, d.clock.Now()); err != nil {
		t.Fatal(err)
	}
	_, body := b.get("/admin/")
	for _, want := range []string{"Next scheduled run", "Gmail's 0.3% complaint line", `<rect class="complaint"`, week,
		`<span class="state ok">sent</span>`, "1 (16.67%)", "store</strong>", "sent by " + editEmail,
		`<span class="state bad">down</span> <strong>inbound listener</strong> <span class="muted">127.0.0.1:2525: connection refused`} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if strings.Contains(body, "built, not sent") {
		t.Error("the sent week reads as not sent")
	}
	// The complaint bar stands above Gmail's line (16.67% > 0.3%).
	line := regexp.MustCompile(`<line class="line" x1="45" y1="([0-9.]+)"`).FindStringSubmatch(body)
	bar := regexp.MustCompile(`<rect class="complaint" x="[0-9.]+" y="([0-9.]+)"`).FindStringSubmatch(body)
	if line == nil || bar == nil {
		t.Fatalf("chart: line %v, bar %v", line, bar)
	}
	if ly, by := atof(line[1]), atof(bar[1]); by >= ly {
		t.Errorf("complaint bar top %v is not above the 0.3%% line at %v", by, ly)
	}
}

func atof(s string) float64 { f, _ := strconv.ParseFloat(s, 64); return f }
