package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/foliopress/folio/internal/postfixtest"
	"github.com/foliopress/folio/store"
)

// storeState renders every member's status, suppression and number of
// history events, and the kept messages.
func storeState(t *testing.T, dir string) string {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var lines []string
	for r, err := range st.Export(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		evs, err := st.History(ctx, r.Member.ID)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%s %s %s %d", r.Member.Email, r.Member.Status, r.Suppression.Reason, len(evs)))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestBadInputIsHarmless is issue 12's point 8, against a running folio
// serve: a malformed DSN, a huge message, a forged VERP address, a forged
// unsubscribe link, a DSN for a message we never sent and webhooks with a
// bad signature or bad credentials each get one log line and a counted
// metric, change no member, and are never acted on twice (each is fed
// twice).
func TestBadInputIsHarmless(t *testing.T) {
	dir, cfg := corpusMagazine(t)
	inbound := fmt.Sprintf("127.0.0.1:%d", postfixtest.FreePort(t))
	env := []string{
		"FOLIO_SECRET=" + corpusSecret, "FOLIO_SERVER_LISTEN=127.0.0.1:0",
		"FOLIO_INBOUND_LISTEN=" + inbound, "FOLIO_INBOUND_MAX_KB=64",
		"FOLIO_WEBHOOKS_POSTMARK_USER=postmark", "FOLIO_POSTMARK_PASSWORD=a long webhook password",
		"FOLIO_SCHEDULE_CRON=0 0 29 2 *", "FOLIO_SCHEDULE_CATCH_UP=1s", "FOLIO_SCHEDULE_JOIN_EVERY=1h",
	}
	logs := serveInProcess(t, env, cfg)
	var base string
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := regexp.MustCompile(`http=(127\.0\.0\.1:\d+)`).FindStringSubmatch(logs.String()); m != nil {
			base = "http://" + m[1]
		}
		c, err := net.DialTimeout("tcp", inbound, time.Second)
		if err == nil {
			_ = c.Close()
		}
		if err == nil && base != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not come up\n%s", logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	before := storeState(t, dir)

	smtpSend := func(to string, msg []byte) error {
		c, err := smtp.Dial(inbound)
		if err != nil {
			return err
		}
		defer c.Close()
		return c.SendMail("", []string{to}, bytes.NewReader(msg))
	}
	code := func(err error) int {
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			return se.Code
		}
		return 0
	}
	corpus := func(name string) []byte {
		raw, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	post := func(path string, body []byte, hdr map[string]string) int {
		req, err := http.NewRequest("POST", base+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		return res.StatusCode
	}
	huge := append([]byte("Subject: huge\r\n\r\n"), bytes.Repeat([]byte("0123456789abcdef\r\n"), 5000)...)
	badSNS := []byte(`{"Type":"Notification","MessageId":"m-1","TopicArn":"arn:aws:sns:eu-west-1:1:t","Message":"{}",` +
		`"Timestamp":"2026-03-06T12:00:00Z","SignatureVersion":"2","Signature":"AAAA",` +
		`"SigningCertURL":"https://sns.eu-west-1.amazonaws.com.attacker.example/cert.pem"}`)
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	wrongAuth := map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("postmark:guess"))}
	for round := range 2 {
		if err := smtpSend("bounces@bounces.weekly.example.org", corpus("malformed-no-boundary.eml")); err != nil {
			t.Errorf("round %d: malformed DSN: %v", round, err)
		}
		if err := smtpSend("bounces@bounces.weekly.example.org", corpus("unknown-message-id.eml")); err != nil {
			t.Errorf("round %d: unknown Message-ID: %v", round, err)
		}
		if err := smtpSend("bounces+agfpkbyuoxiljany3dsa@bounces.weekly.example.org", huge); code(err) != 552 {
			t.Errorf("round %d: huge message: %v, want 552", round, err)
		}
		if err := smtpSend("bounces+agfpkbyuoxiljany3dsb@bounces.weekly.example.org", corpus("forged-verp.eml")); code(err) != 550 {
			t.Errorf("round %d: forged VERP: %v, want 550", round, err)
		}
		if got := post("/u/AAAAAAAAAAEAAAAAAAAAAG5ld3NsZXR0ZXIud2Vla2x5LmV4YW1wbGUub3Jn.forgedforgedforgedforge", []byte("List-Unsubscribe=One-Click"), form); got != 403 {
			t.Errorf("round %d: forged unsubscribe link: %d, want 403", round, got)
		}
		if got := post("/hooks/ses", badSNS, nil); got != 403 {
			t.Errorf("round %d: bad SNS signature: %d, want 403", round, got)
		}
		if got := post("/hooks/postmark", []byte(`{"RecordType":"SpamComplaint","ID":1,"Email":"ada.lovelace@example.org"}`), wrongAuth); got != 401 {
			t.Errorf("round %d: Postmark without credentials: %d, want 401", round, got)
		}
	}
	if after := storeState(t, dir); after != before {
		t.Errorf("bad input changed members:\n%s\n---\n%s", before, after)
	}
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	for _, want := range []string{
		`folio_inbound_messages_total{kind="malformed",outcome="kept"} 1`,
		`folio_inbound_messages_total{kind="malformed",outcome="duplicate"} 1`,
		`folio_inbound_messages_total{kind="bounce",outcome="kept"} 1`,
		`folio_inbound_messages_total{kind="bounce",outcome="duplicate"} 1`,
		`folio_inbound_refused_total{reason="message too big"} 2`,
		`folio_inbound_refused_total{reason="forged address token"} 2`,
		`folio_inbound_refused_total{reason="unsubscribe link"} 2`,
		`folio_inbound_refused_total{reason="ses bad signature"} 2`,
		`folio_inbound_refused_total{reason="postmark bad credentials"} 2`,
	} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	log := logs.String()
	for _, tc := range []struct {
		what string
		n    int
	}{
		{`msg="inbound refused" reason="message too big"`, 2},
		{`msg="inbound refused" reason="forged address token"`, 2},
		{`msg="http refused" what="unsubscribe link"`, 2},
		{`msg="webhook refused" provider=ses outcome="bad signature"`, 2},
		{`msg="webhook refused" provider=postmark outcome="bad credentials"`, 2},
		{`kind=malformed outcome=kept`, 1},
		{`kind=bounce outcome=kept member=0 note="a bounce for a message we did not send`, 1},
	} {
		if got := strings.Count(log, tc.what); got != tc.n {
			t.Errorf("%d log lines with %s, want %d", got, tc.what, tc.n)
		}
	}
	if t.Failed() {
		t.Logf("serve log:\n%s", log)
	}
}
