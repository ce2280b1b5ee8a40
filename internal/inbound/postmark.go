package inbound

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Postmark receives Postmark's bounce, spam-complaint and
// subscription-change webhooks, guarded by HTTP basic auth.
type Postmark struct {
	Processor      *Processor
	User, Password string
	// OnEvent hears every request's outcome, and the error of a refused one.
	OnEvent func(outcome string, err error)
}

// postmarkEvent is the part of a Postmark webhook that matters here.
type postmarkEvent struct {
	RecordType        string
	ID                json.Number
	Type              string // a bounce's type: HardBounce, SoftBounce, ...
	TypeCode          int
	MessageID         string
	Email             string
	Recipient         string
	Description       string
	Details           string
	SuppressSending   bool
	SuppressionReason string
	ChangedAt         string
}

func (h *Postmark) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	outcome, status, err := h.handle(r)
	if h.OnEvent != nil {
		h.OnEvent(outcome, err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="folio"`)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, outcome+"\n")
}

func (h *Postmark) authorised(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	if !ok || h.Password == "" {
		return false
	}
	hash := func(s string) []byte { b := sha256.Sum256([]byte(s)); return b[:] }
	u := subtle.ConstantTimeCompare(hash(user), hash(h.User))
	p := subtle.ConstantTimeCompare(hash(pass), hash(h.Password))
	return u&p == 1
}

func (h *Postmark) handle(r *http.Request) (string, int, error) {
	if !h.authorised(r) {
		return "bad credentials", http.StatusUnauthorized, fmt.Errorf("%w: wrong or missing basic auth", ErrBadSignature)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return "refused", http.StatusRequestEntityTooLarge, fmt.Errorf("%w: %v", ErrBadWebhook, err)
	}
	var e postmarkEvent
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(&e); err != nil || e.RecordType == "" {
		return "refused", http.StatusBadRequest, fmt.Errorf("%w: not a Postmark webhook", ErrBadWebhook)
	}
	ev, ok := postmarkToEvent(&e)
	if !ok {
		return "ignored", http.StatusOK, nil
	}
	res, err := h.Processor.Act(r.Context(), ev)
	if err != nil {
		return "error", http.StatusInternalServerError, err
	}
	return res.Outcome, http.StatusOK, nil
}

// postmarkToEvent maps a Postmark record to an Event; ok is false for the
// records that change nothing (deliveries, opens, auto-replies).
func postmarkToEvent(e *postmarkEvent) (Event, bool) {
	email := e.Email
	if email == "" {
		email = e.Recipient
	}
	ev := Event{Email: email, Source: "postmark"}
	id := e.ID.String()
	switch e.RecordType {
	case "Bounce":
		ev.Key = "postmark:bounce:" + id
		diag := oneLine(e.Details)
		if diag == "" {
			diag = oneLine(e.Description)
		}
		switch e.Type {
		case "HardBounce", "BadEmailAddress":
			ev.Kind, ev.Hard, ev.Status, ev.Diagnostic = KindBounce, true, "5.1.1", diag
			if st := statusIn(e.Details); strings.HasPrefix(st, "5.") {
				ev.Status = st
			}
		case "SoftBounce", "Transient", "DnsError", "MailboxFull":
			ev.Kind, ev.Status, ev.Diagnostic = KindBounce, "4.0.0", diag
			if st := statusIn(e.Details); st != "" {
				ev.Status = st
			}
		case "SpamComplaint", "SpamNotification":
			ev.Kind, ev.Why = KindComplaint, "complaint reported by Postmark ("+e.Type+")"
		case "Unsubscribe", "ManuallyDeactivated":
			ev.Kind, ev.Why = KindUnsubscribe, "unsubscribe reported by Postmark ("+e.Type+")"
		default:
			return ev, false
		}
	case "SpamComplaint":
		ev.Key, ev.Kind, ev.Why = "postmark:complaint:"+id, KindComplaint, "complaint reported by Postmark"
	case "SubscriptionChange":
		if !e.SuppressSending {
			return ev, false
		}
		ev.Key = "postmark:subscription:" + e.MessageID + ":" + email + ":" + e.ChangedAt
		switch e.SuppressionReason {
		case "HardBounce":
			ev.Kind, ev.Hard, ev.Status, ev.Diagnostic = KindBounce, true, "5.1.1", "suppressed by Postmark after a hard bounce"
		case "SpamComplaint":
			ev.Kind, ev.Why = KindComplaint, "complaint reported by Postmark"
		default:
			ev.Kind, ev.Why = KindUnsubscribe, "unsubscribed through Postmark ("+e.SuppressionReason+")"
		}
	default:
		return ev, false
	}
	if id == "" && e.RecordType != "SubscriptionChange" {
		ev.Key += e.MessageID + ":" + email
	}
	return ev, true
}
