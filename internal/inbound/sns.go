package inbound

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // SNS SignatureVersion 1 is SHA1withRSA; version 2 is SHA256
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// snsHost is the host an SNS certificate or subscription URL may name.
var snsHost = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$`) })

// Webhook errors, each answered with 4xx and changing nothing.
var (
	ErrBadSignature = errors.New("inbound: webhook signature does not verify")
	ErrBadWebhook   = errors.New("inbound: malformed webhook request")
)

// SNS receives Amazon SES events through Amazon SNS: bounces,
// complaints, and the subscription confirmation. Every message's
// signature is verified against a certificate fetched from the SNS host
// it names (https only, sns.<region>.amazonaws.com) and chained to Roots.
type SNS struct {
	Processor *Processor
	// Topics, when set, are the only topic ARNs accepted.
	Topics []string
	// Client fetches signing certificates and confirms subscriptions;
	// default one that trusts Roots.
	Client *http.Client
	// Roots verify signing certificates; nil is the system's roots.
	Roots *x509.CertPool
	// OnEvent hears every request's outcome, and the error of a refused one.
	OnEvent func(outcome string, err error)

	mu    sync.Mutex
	certs map[string]*x509.Certificate
}

// snsMessage is an SNS HTTP(S) delivery.
type snsMessage struct {
	Type             string
	MessageID        string `json:"MessageId"`
	Token            string
	TopicArn         string
	Subject          string
	Message          string
	Timestamp        string
	SignatureVersion string
	Signature        string
	SigningCertURL   string `json:"SigningCertURL"`
	SubscribeURL     string `json:"SubscribeURL"`
}

func (h *SNS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	outcome, status, err := h.handle(r)
	if h.OnEvent != nil {
		h.OnEvent(outcome, err)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, outcome+"\n")
}

func (h *SNS) handle(r *http.Request) (string, int, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return "refused", http.StatusRequestEntityTooLarge, fmt.Errorf("%w: %v", ErrBadWebhook, err)
	}
	var m snsMessage
	if err := json.Unmarshal(body, &m); err != nil || m.Type == "" || m.MessageID == "" {
		return "refused", http.StatusBadRequest, fmt.Errorf("%w: not an SNS message", ErrBadWebhook)
	}
	if err := h.verify(r.Context(), &m); err != nil {
		return "bad signature", http.StatusForbidden, err
	}
	if len(h.Topics) > 0 && !slices.Contains(h.Topics, m.TopicArn) {
		return "refused", http.StatusForbidden, fmt.Errorf("%w: topic %s is not configured", ErrBadWebhook, clip(m.TopicArn, 200))
	}
	switch m.Type {
	case "SubscriptionConfirmation":
		if err := h.confirm(r.Context(), m.SubscribeURL); err != nil {
			return "error", http.StatusBadGateway, err
		}
		return "subscribed", http.StatusOK, nil
	case "UnsubscribeConfirmation":
		return "ignored", http.StatusOK, nil
	case "Notification":
		return h.notification(r.Context(), &m)
	}
	return "refused", http.StatusBadRequest, fmt.Errorf("%w: SNS type %q", ErrBadWebhook, clip(m.Type, 40))
}

// stringToSign is SNS's canonical form of a message: the named fields in
// this order, each "Name\nvalue\n" (Subject only when present).
func (m *snsMessage) stringToSign() string {
	var b strings.Builder
	add := func(k, v string) { b.WriteString(k + "\n" + v + "\n") }
	add("Message", m.Message)
	add("MessageId", m.MessageID)
	if m.Type == "Notification" {
		if m.Subject != "" {
			add("Subject", m.Subject)
		}
	} else {
		add("SubscribeURL", m.SubscribeURL)
	}
	add("Timestamp", m.Timestamp)
	if m.Type != "Notification" {
		add("Token", m.Token)
	}
	add("TopicArn", m.TopicArn)
	add("Type", m.Type)
	return b.String()
}

// verify checks the message's signature with the SNS certificate it names.
func (h *SNS) verify(ctx context.Context, m *snsMessage) error {
	if !snsURL(m.SigningCertURL) || !strings.HasSuffix(m.SigningCertURL, ".pem") {
		return fmt.Errorf("%w: certificate URL %q is not an SNS host", ErrBadSignature, clip(m.SigningCertURL, 200))
	}
	cert, err := h.cert(ctx, m.SigningCertURL)
	if err != nil {
		return err
	}
	sig, err := base64.StdEncoding.DecodeString(m.Signature)
	if err != nil {
		return fmt.Errorf("%w: signature is not base64", ErrBadSignature)
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("%w: not an RSA certificate", ErrBadSignature)
	}
	msg := []byte(m.stringToSign())
	switch m.SignatureVersion {
	case "1":
		sum := sha1.Sum(msg) //nolint:gosec // SNS SignatureVersion 1
		err = rsa.VerifyPKCS1v15(pub, crypto.SHA1, sum[:], sig)
	case "2":
		sum := sha256.Sum256(msg)
		err = rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig)
	default:
		return fmt.Errorf("%w: signature version %q", ErrBadSignature, clip(m.SignatureVersion, 10))
	}
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return nil
}

// snsURL reports whether u is https on an SNS host.
func snsURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && p.Scheme == "https" && p.Port() == "" && snsHost().MatchString(p.Hostname()) && p.User == nil
}

// cert fetches (once) and verifies a signing certificate.
func (h *SNS) cert(ctx context.Context, u string) (*x509.Certificate, error) {
	h.mu.Lock()
	c := h.certs[u]
	h.mu.Unlock()
	if c != nil && time.Now().Before(c.NotAfter) {
		return c, nil
	}
	body, err := h.get(ctx, u, 64<<10)
	if err != nil {
		return nil, fmt.Errorf("inbound: signing certificate: %w", err)
	}
	block, _ := pem.Decode(body)
	if block == nil {
		return nil, fmt.Errorf("%w: the signing certificate is not PEM", ErrBadSignature)
	}
	c, err = x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: signing certificate: %v", ErrBadSignature, err)
	}
	if _, err := c.Verify(x509.VerifyOptions{Roots: h.Roots, DNSName: "sns.amazonaws.com"}); err != nil {
		return nil, fmt.Errorf("%w: signing certificate: %v", ErrBadSignature, err)
	}
	h.mu.Lock()
	if h.certs == nil {
		h.certs = map[string]*x509.Certificate{}
	}
	h.certs[u] = c
	h.mu.Unlock()
	return c, nil
}

// confirm visits a subscription's SubscribeURL (an SNS host, https).
func (h *SNS) confirm(ctx context.Context, u string) error {
	if !snsURL(u) {
		return fmt.Errorf("%w: SubscribeURL %q is not an SNS host", ErrBadWebhook, clip(u, 200))
	}
	if _, err := h.get(ctx, u, 64<<10); err != nil {
		return fmt.Errorf("inbound: confirm SNS subscription: %w", err)
	}
	return nil
}

func (h *SNS) get(ctx context.Context, u string, max int64) ([]byte, error) {
	client := h.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, res.Status)
	}
	return io.ReadAll(io.LimitReader(res.Body, max))
}

// sesEvent is the part of an SES notification (or event publishing
// record) that matters here.
type sesEvent struct {
	NotificationType string `json:"notificationType"`
	EventType        string `json:"eventType"`
	Bounce           *struct {
		BounceType        string `json:"bounceType"`
		BounceSubType     string `json:"bounceSubType"`
		BouncedRecipients []struct {
			EmailAddress   string `json:"emailAddress"`
			Status         string `json:"status"`
			DiagnosticCode string `json:"diagnosticCode"`
		} `json:"bouncedRecipients"`
	} `json:"bounce"`
	Complaint *struct {
		ComplainedRecipients []struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"complainedRecipients"`
		ComplaintFeedbackType string `json:"complaintFeedbackType"`
	} `json:"complaint"`
	Mail struct {
		CommonHeaders struct {
			MessageID string `json:"messageId"`
		} `json:"commonHeaders"`
	} `json:"mail"`
}

// notification acts on an SES event: each bounced or complaining
// recipient once.
func (h *SNS) notification(ctx context.Context, m *snsMessage) (string, int, error) {
	var ev sesEvent
	if err := json.Unmarshal([]byte(m.Message), &ev); err != nil {
		return "refused", http.StatusBadRequest, fmt.Errorf("%w: the SES event is not JSON", ErrBadWebhook)
	}
	typ := ev.NotificationType
	if typ == "" {
		typ = ev.EventType
	}
	msgID := strings.Trim(ev.Mail.CommonHeaders.MessageID, "<> ")
	var events []Event
	switch {
	case typ == "Bounce" && ev.Bounce != nil:
		hard := ev.Bounce.BounceType == "Permanent"
		for _, b := range ev.Bounce.BouncedRecipients {
			status := statusIn(b.Status)
			if status == "" {
				status = statusIn(b.DiagnosticCode)
			}
			if status == "" {
				status = "4.0.0"
				if hard {
					status = "5.0.0"
				}
			}
			diag := b.DiagnosticCode
			if diag == "" {
				diag = ev.Bounce.BounceType + " " + ev.Bounce.BounceSubType
			}
			if hard && ev.Bounce.BounceSubType == "NoEmail" && !strings.HasPrefix(status, "5.1.") {
				status = "5.1.1" // SES: the address does not exist
			}
			events = append(events, Event{Kind: KindBounce, Email: b.EmailAddress, MessageID: msgID,
				Hard: hard, Status: status, Diagnostic: oneLine(diag)})
		}
	case typ == "Complaint" && ev.Complaint != nil:
		ft := ev.Complaint.ComplaintFeedbackType
		if ft == "" {
			ft = "abuse"
		}
		for _, c := range ev.Complaint.ComplainedRecipients {
			events = append(events, Event{Kind: KindComplaint, Email: c.EmailAddress, MessageID: msgID, Why: "complaint (" + ft + ") reported by SES"})
		}
	default:
		return "ignored", http.StatusOK, nil // deliveries, opens, sends
	}
	outcome := "ignored"
	for i, e := range events {
		e.Key, e.Source = "sns:"+m.MessageID+":"+strconv.Itoa(i), "ses"
		if len(events) == 1 {
			e.MessageID = msgID
		} else {
			e.MessageID = "" // one Message-ID, several recipients: each by address
		}
		res, err := h.Processor.Act(ctx, e)
		if err != nil {
			return "error", http.StatusInternalServerError, err
		}
		outcome = res.Outcome
	}
	return outcome, http.StatusOK, nil
}
