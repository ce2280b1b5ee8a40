package inbound_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // SNS SignatureVersion 1
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/foliopress/folio/internal/inbound"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

// fakeSNS is SNS as the handler sees it: an HTTPS host that serves the
// signing certificate and takes subscription confirmations, reached for
// any sns.*.amazonaws.com name through the test client's dialer.
type fakeSNS struct {
	key       *rsa.PrivateKey
	certURL   string
	client    *http.Client
	roots     *testCA
	mu        sync.Mutex
	confirmed []string
	fetches   int
}

func newFakeSNS(t *testing.T) *fakeSNS {
	t.Helper()
	ca := newCA(t)
	f := &fakeSNS{roots: ca, certURL: "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-7f3a.pem"}
	_, key, signPEM := ca.leaf(t, "sns.amazonaws.com")
	f.key = key
	tlsPair, _, _ := ca.leaf(t, "sns.eu-west-1.amazonaws.com")
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		switch {
		case strings.HasSuffix(r.URL.Path, ".pem"):
			f.fetches++
			_, _ = w.Write(signPEM)
		case r.URL.Query().Get("Action") == "ConfirmSubscription":
			f.confirmed = append(f.confirmed, r.URL.Query().Get("Token"))
			_, _ = w.Write([]byte("<ConfirmSubscriptionResponse/>"))
		default:
			http.NotFound(w, r)
		}
	}))
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{tlsPair}}
	ts.StartTLS()
	t.Cleanup(ts.Close)
	addr := ts.Listener.Addr().String()
	f.client = &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: ca.pool()},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
	return f
}

// message makes a signed SNS delivery.
func (f *fakeSNS) message(t *testing.T, typ, id, body string, version string) []byte {
	t.Helper()
	m := map[string]string{
		"Type": typ, "MessageId": id, "TopicArn": "arn:aws:sns:eu-west-1:123456789012:folio-ses",
		"Message": body, "Timestamp": "2026-03-06T12:02:11.000Z", "SignatureVersion": version,
		"SigningCertURL": f.certURL,
	}
	var sts string
	if typ == "Notification" {
		m["Subject"] = "Amazon SES Email Event Notification"
		sts = "Message\n" + body + "\nMessageId\n" + id + "\nSubject\n" + m["Subject"] + "\nTimestamp\n" + m["Timestamp"] +
			"\nTopicArn\n" + m["TopicArn"] + "\nType\n" + typ + "\n"
	} else {
		m["Token"] = "tok-" + id
		m["SubscribeURL"] = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=tok-" + id
		sts = "Message\n" + body + "\nMessageId\n" + id + "\nSubscribeURL\n" + m["SubscribeURL"] + "\nTimestamp\n" +
			m["Timestamp"] + "\nToken\n" + m["Token"] + "\nTopicArn\n" + m["TopicArn"] + "\nType\n" + typ + "\n"
	}
	var sig []byte
	var err error
	if version == "1" {
		sum := sha1.Sum([]byte(sts)) //nolint:gosec // SNS SignatureVersion 1
		sig, err = rsa.SignPKCS1v15(nil, f.key, crypto.SHA1, sum[:])
	} else {
		sum := sha256.Sum256([]byte(sts))
		sig, err = rsa.SignPKCS1v15(nil, f.key, crypto.SHA256, sum[:])
	}
	if err != nil {
		t.Fatal(err)
	}
	m["Signature"] = base64.StdEncoding.EncodeToString(sig)
	out, _ := json.Marshal(m)
	return out
}

const sesBounce = `{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General",
"bouncedRecipients":[{"emailAddress":"ada.lovelace@example.org","action":"failed","status":"5.1.1",
"diagnosticCode":"smtp; 550 5.1.1 user unknown"}],"timestamp":"2026-03-06T12:02:10.000Z"},
"mail":{"messageId":"0102018e1a2b3c4d-ses","commonHeaders":{"messageId":"<2026-W10.1.e033813dd4@weekly.example.org>"}}}`

const sesComplaint = `{"notificationType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"goran.novak@yahoo.example"}],
"complaintFeedbackType":"abuse"},"mail":{"commonHeaders":{}}}`

const sesTransient = `{"eventType":"Bounce","bounce":{"bounceType":"Transient","bounceSubType":"MailboxFull",
"bouncedRecipients":[{"emailAddress":"ivan.petrov@example.org","status":"4.2.2","diagnosticCode":"smtp; 452 4.2.2 mailbox full"}]},
"mail":{"commonHeaders":{"messageId":"<2026-W10.9.3a82f3b418@weekly.example.org>"}}}`

func post(h http.Handler, body []byte, hdr http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/hooks/x", strings.NewReader(string(body)))
	for k, v := range hdr {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestSNSWebhook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		corpusStore(t, s)
		f := newFakeSNS(t)
		var events []string
		h := &inbound.SNS{Processor: processor(s, map[string]int{}), Client: f.client, Roots: f.roots.pool(),
			Topics: []string{"arn:aws:sns:eu-west-1:123456789012:folio-ses"},
			OnEvent: func(outcome string, err error) {
				if err != nil {
					outcome += ":" + err.Error()
				}
				events = append(events, outcome)
			}}
		status := func(email string) (member.Status, member.Reason) {
			m, err := s.MemberByEmail(ctx, email)
			if err != nil {
				t.Fatal(err)
			}
			sp, _, _ := s.SuppressionOf(ctx, email)
			return m.Status, sp.Reason
		}
		// The subscription is confirmed by visiting its SubscribeURL.
		if rec := post(h, f.message(t, "SubscriptionConfirmation", "sub-1", "You have chosen to subscribe.", "1"), nil); rec.Code != 200 {
			t.Fatalf("confirmation: %d %s", rec.Code, rec.Body)
		}
		if len(f.confirmed) != 1 || f.confirmed[0] != "tok-sub-1" {
			t.Fatalf("confirmed %v", f.confirmed)
		}
		bounce := f.message(t, "Notification", "n-1", sesBounce, "2")
		if rec := post(h, bounce, nil); rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != "acted" {
			t.Fatalf("bounce: %d %s", rec.Code, rec.Body)
		}
		if st, r := status("ada.lovelace@example.org"); st != member.StatusBounced || r != member.ReasonBounce {
			t.Errorf("ada: %s %s", st, r)
		}
		if rec := post(h, bounce, nil); rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != "duplicate" {
			t.Errorf("the same notification again: %d %s", rec.Code, rec.Body)
		}
		if rec := post(h, f.message(t, "Notification", "n-2", sesComplaint, "1"), nil); rec.Code != 200 {
			t.Fatalf("complaint: %d %s", rec.Code, rec.Body)
		}
		if st, r := status("goran.novak@yahoo.example"); st != member.StatusUnsubscribed || r != member.ReasonComplaint {
			t.Errorf("goran: %s %s", st, r)
		}
		if rec := post(h, f.message(t, "Notification", "n-3", sesTransient, "2"), nil); rec.Code != 200 {
			t.Fatalf("transient: %d %s", rec.Code, rec.Body)
		}
		if st, r := status("ivan.petrov@example.org"); st != member.StatusActive || r != "" {
			t.Errorf("ivan after one soft bounce: %s %s", st, r)
		}
		if f.fetches != 1 {
			t.Errorf("the signing certificate was fetched %d times", f.fetches)
		}

		// Bad requests: 4xx, one event each, nothing changes.
		before := snapshot(t, s)
		altered := strings.Replace(string(f.message(t, "Notification", "n-4", sesComplaint, "2")), "goran.novak@yahoo.example", "hana.sato@outlook.example", 1)
		evil := f.message(t, "Notification", "n-5", sesComplaint, "2")
		evilHost := strings.Replace(string(evil), "sns.eu-west-1.amazonaws.com", "sns.eu-west-1.amazonaws.com.evil.example", 1)
		httpURL := strings.Replace(string(evil), "https://sns.", "http://sns.", 1)
		otherCA := &inbound.SNS{Processor: h.Processor, Client: f.client, Roots: newCA(t).pool()}
		wrongTopic := &inbound.SNS{Processor: h.Processor, Client: f.client, Roots: f.roots.pool(), Topics: []string{"arn:aws:sns:eu-west-1:1:other"}}
		for _, tc := range []struct {
			name string
			h    http.Handler
			body string
			code int
		}{
			{"altered message", h, altered, 403},
			{"certificate on another host", h, evilHost, 403},
			{"certificate over http", h, httpURL, 403},
			{"certificate from another CA", otherCA, string(evil), 403},
			{"topic not configured", wrongTopic, string(evil), 403},
			{"not JSON", h, "{{{", 400},
			{"no signature version", h, strings.Replace(string(evil), `"SignatureVersion":"2"`, `"SignatureVersion":"9"`, 1), 403},
		} {
			if rec := post(tc.h, []byte(tc.body), nil); rec.Code != tc.code {
				t.Errorf("%s: %d, want %d (%s)", tc.name, rec.Code, tc.code, rec.Body)
			}
		}
		if after := snapshot(t, s); after != before {
			t.Errorf("bad requests changed the store:\n%s\n---\n%s", before, after)
		}
		bad := 0
		for _, e := range events {
			if strings.HasPrefix(e, "bad signature:") && strings.Contains(e, "signature") {
				bad++
			}
		}
		if bad != 4 { // altered, two certificate URLs, an unknown version
			t.Errorf("events %q", events)
		}
	})
}

func TestPostmarkWebhook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		corpusStore(t, s)
		var refused []error
		h := &inbound.Postmark{Processor: processor(s, map[string]int{}), User: "postmark", Password: "a long webhook password",
			OnEvent: func(_ string, err error) {
				if err != nil {
					refused = append(refused, err)
				}
			}}
		auth := http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte("postmark:a long webhook password"))}}
		wrong := http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte("postmark:guess"))}}
		hard := []byte(`{"RecordType":"Bounce","ID":4323372036854775807,"Type":"HardBounce","TypeCode":1,"MessageID":"883953f4-6105-42a2-a16a-77a8eac79483",
"Email":"boris.pasternak@mail.example.net","Description":"The server was unable to deliver your message (ex: unknown user, mailbox not found).",
"Details":"smtp;550 5.1.1 The email account that you tried to reach does not exist.","BouncedAt":"2026-03-06T12:03:40Z","Inactive":true}`)
		before := snapshot(t, s)
		for _, hdr := range []http.Header{nil, wrong} {
			if rec := post(h, hard, hdr); rec.Code != http.StatusUnauthorized {
				t.Errorf("auth %v: %d", hdr, rec.Code)
			}
		}
		if len(refused) != 2 || !errors.Is(refused[0], inbound.ErrBadSignature) {
			t.Errorf("refused %v", refused)
		}
		if after := snapshot(t, s); after != before {
			t.Error("an unauthorised request changed the store")
		}
		if rec := post(h, hard, auth); rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != "acted" {
			t.Fatalf("hard bounce: %d %s", rec.Code, rec.Body)
		}
		if rec := post(h, hard, auth); strings.TrimSpace(rec.Body.String()) != "duplicate" {
			t.Errorf("again: %s", rec.Body)
		}
		for _, body := range []string{
			`{"RecordType":"SpamComplaint","ID":42,"Type":"SpamComplaint","Email":"hana.sato@outlook.example","MessageID":"x"}`,
			`{"RecordType":"Bounce","ID":43,"Type":"SoftBounce","Email":"ivan.petrov@example.org","Details":"452 4.2.2 mailbox full"}`,
			`{"RecordType":"Delivery","Recipient":"lea.moreau@example.fr","MessageID":"y"}`,
			`{"RecordType":"SubscriptionChange","MessageID":"z","Recipient":"jun.park@example.org","SuppressSending":true,"SuppressionReason":"ManualSuppression","ChangedAt":"2026-03-07T10:00:00Z"}`,
		} {
			if rec := post(h, []byte(body), auth); rec.Code != 200 {
				t.Errorf("%s: %d %s", body, rec.Code, rec.Body)
			}
		}
		for email, want := range map[string]member.Reason{"boris.pasternak@mail.example.net": member.ReasonBounce,
			"hana.sato@outlook.example": member.ReasonComplaint, "jun.park@example.org": member.ReasonUnsubscribe,
			"ivan.petrov@example.org": "", "lea.moreau@example.fr": ""} {
			if sp, _, _ := s.SuppressionOf(ctx, email); sp.Reason != want {
				t.Errorf("%s: suppression %q, want %q", email, sp.Reason, want)
			}
		}
		if rec := post(h, []byte(`not json`), auth); rec.Code != 400 {
			t.Errorf("not JSON: %d", rec.Code)
		}
	})
}
