package inbound

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/mail"
	"net/textproto"
	"regexp"
	"strings"
	"sync"
)

// Kind is what an inbound message is.
type Kind string

// The kinds of inbound message.
const (
	// KindBounce is a delivery status notification: RFC 3464, or one of
	// the non-standard bounces of Exchange, Gmail, Exim or qmail.
	KindBounce Kind = "bounce"
	// KindComplaint is an abuse report (ARF, RFC 5965).
	KindComplaint Kind = "complaint"
	// KindUnsubscribe is mail to a member's mailto unsubscribe address.
	KindUnsubscribe Kind = "unsubscribe"
	// KindOther is anything else: kept aside for the operator.
	KindOther Kind = "other"
)

// Failure is one recipient's status in a bounce.
type Failure struct {
	Recipient  string // the address the status is about
	Action     string // failed, delayed, delivered, relayed, expanded
	Status     string // RFC 3463 enhanced code, "5.1.1"
	Diagnostic string // "smtp; 550 5.1.1 <x@y>: user unknown"
}

// Hard reports a permanent failure.
func (f Failure) Hard() bool { return f.Action == "failed" && strings.HasPrefix(f.Status, "5.") }

// Soft reports a temporary failure (delayed, or a 4.x.x status).
func (f Failure) Soft() bool {
	return f.Action == "delayed" || (f.Action == "failed" && strings.HasPrefix(f.Status, "4."))
}

// Original is what a report says about the message it is about.
type Original struct {
	MessageID string // without angle brackets
	// Senders are the original's envelope sender as the report gives it
	// (Return-Path, ARF's Original-Mail-From): a VERP address names the
	// member.
	Senders []string
	// Unsubscribe are the original's List-Unsubscribe URIs: their tokens
	// name the member too.
	Unsubscribe []string
	// Recipients are the original's To and the report's
	// Original-Rcpt-To.
	Recipients []string
}

// Report is an inbound message, read.
type Report struct {
	Kind Kind
	// Key identifies the message for once-only handling: its Message-ID,
	// or a digest of its content when it has none.
	Key string
	// Subject and From of the inbound message itself, for the operator.
	Subject, From string
	Failures      []Failure
	Original      Original
	// FeedbackType is an ARF report's Feedback-Type (abuse, fraud, …).
	FeedbackType string
	// Recipients are where the message was delivered: the envelope's
	// recipients, or the trace headers' (Delivered-To, X-Original-To).
	Recipients []string
	// Why says why a message of KindOther was not understood.
	Why string
}

// Envelope is the SMTP envelope an inbound message came with, when known
// (the listener, a pipe transport's arguments).
type Envelope struct {
	From string
	To   []string
}

// Parse reads one raw message (header, blank line, body). An error wraps
// ErrMalformed; the caller keeps such a message aside.
func Parse(raw []byte, env Envelope) (*Report, error) {
	top, err := parseMessage(raw)
	if err != nil {
		return nil, err
	}
	r := &Report{
		Key:     messageKey(top.header, raw),
		Subject: decodeHeader(top.header.Get("Subject")),
		From:    decodeHeader(top.header.Get("From")),
	}
	r.Recipients = append(r.Recipients, env.To...)
	for _, h := range []string{"X-Original-To", "Delivered-To", "Envelope-To", "X-Envelope-To", "To", "Cc"} {
		for _, v := range top.header.Values(h) {
			r.Recipients = append(r.Recipients, addresses(v)...)
		}
	}
	switch {
	case isReport(top, "feedback-report", "message/feedback-report"):
		r.Kind = KindComplaint
		readARF(top, r)
	case isReport(top, "delivery-status", "message/delivery-status", "message/global-delivery-status"):
		r.Kind = KindBounce
		readDSN(top, r)
	case looksLikeComplaint(top):
		r.Kind = KindComplaint
		readLegacyComplaint(top, r)
	case looksLikeBounce(top):
		r.Kind = KindBounce
		readLegacyBounce(top, r)
	default:
		r.Kind = KindOther
		r.Why = "not a bounce, complaint or report"
		if auto := top.header.Get("Auto-Submitted"); auto != "" && !strings.EqualFold(auto, "no") {
			r.Why = "an automatic reply (" + auto + ")"
		}
	}
	if r.Kind == KindBounce && len(r.Failures) == 0 {
		r.Kind, r.Why = KindOther, "a bounce without a recipient status"
	}
	return r, nil
}

// isReport reports whether the message is a multipart/report of type, or
// carries a part of one of the given media types.
func isReport(top *part, reportType string, partTypes ...string) bool {
	if top.mediaType == "multipart/report" && strings.EqualFold(top.params["report-type"], reportType) {
		return true
	}
	return top.find(partTypes...) != nil
}

// messageKey is "mid:<id>" from the message's own Message-ID, or a
// digest of its content (the header block without the trace fields a
// delivery adds, and the body) when it has none.
func messageKey(h textproto.MIMEHeader, raw []byte) string {
	if id := strings.Trim(strings.TrimSpace(h.Get("Message-Id")), "<>"); id != "" && len(id) < 500 {
		return "mid:" + strings.ToLower(id)
	}
	sum := sha256.New()
	for _, k := range []string{"From", "Date", "Subject", "To"} {
		_, _ = fmt.Fprintf(sum, "%s:%s\n", k, h.Get(k)) // a hash never fails to write
	}
	if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		sum.Write(raw[i:])
	} else if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		sum.Write(raw[i:])
	}
	return "sha:" + hex.EncodeToString(sum.Sum(nil)[:16])
}

// decodeHeader decodes RFC 2047 words (a charset it does not know leaves
// the text as written) and folds white space.
func decodeHeader(s string) string {
	var wd mime.WordDecoder
	if out, err := wd.DecodeHeader(s); err == nil {
		s = out
	}
	return strings.Join(strings.Fields(s), " ")
}

// addresses parses an address list leniently: a broken list still gives
// up the addresses in it.
func addresses(v string) []string {
	if list, err := mail.ParseAddressList(v); err == nil {
		out := make([]string, len(list))
		for i, a := range list {
			out[i] = a.Address
		}
		return out
	}
	return addrRE().FindAllString(v, 8)
}

var uriRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<([^<>]+)>`) })

var addrRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`[A-Za-z0-9._%+=!#$&'*/?^{|}~-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
})

// bareAddress strips a DSN address type ("rfc822; a@b") and brackets.
func bareAddress(v string) string {
	if _, rest, ok := strings.Cut(v, ";"); ok {
		v = rest
	}
	return strings.Trim(strings.TrimSpace(v), "<>")
}

// readOriginal fills r.Original from the returned message or its headers.
func readOriginal(top *part, r *Report) {
	var h textproto.MIMEHeader
	if p := top.find("text/rfc822-headers", "message/rfc822-headers", "message/global-headers"); p != nil {
		h = headerBlock(p.body)
	} else if p := top.find("message/rfc822", "message/global"); p != nil {
		if len(p.parts) > 0 {
			h = p.parts[0].header
		} else {
			h = headerBlock(p.body)
		}
	}
	if h == nil {
		return
	}
	o := &r.Original
	if id := strings.Trim(strings.TrimSpace(h.Get("Message-Id")), "<>"); id != "" {
		o.MessageID = id
	}
	for _, v := range h.Values("Return-Path") {
		o.Senders = append(o.Senders, bareAddress(v))
	}
	o.Unsubscribe = append(o.Unsubscribe, listURIs(h.Get("List-Unsubscribe"))...)
	for _, v := range h.Values("To") {
		o.Recipients = append(o.Recipients, addresses(v)...)
	}
}

// listURIs splits a List-Unsubscribe value into its <URI>s.
func listURIs(v string) []string {
	var out []string
	for _, m := range uriRE().FindAllStringSubmatch(v, 4) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	return out
}
