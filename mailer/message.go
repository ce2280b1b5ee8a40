package mailer

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ErrNoContent is returned when a Composer produced neither HTML nor text.
var ErrNoContent = errors.New("mailer: message has no HTML and no text")

// MessageSpec is everything about a message except its content: who it is
// from and to, and the identity headers bulk receivers require.
type MessageSpec struct {
	From       mail.Address
	ReplyTo    *mail.Address
	To         mail.Address
	Date       time.Time
	MessageID  string // without angle brackets
	ListID     string // e.g. "weekly.example.org"; the List-Id header is `"From name" <ListID>`
	FeedbackID string // e.g. "2019-W41:members:folio:weekly.example.org"
	// UnsubscribeMailto is the mailto: URI listed after the https one.
	UnsubscribeMailto string
}

// MessageID returns the deterministic Message-ID (without brackets) of
// issueID's message to memberID, on domain: the same on every resend, so
// receivers drop a duplicate copy, and unique per (issue, member).
func MessageID(issueID string, memberID int64, domain string) string {
	sum := sha256.Sum256([]byte(issueID + "\x00" + strconv.FormatInt(memberID, 10) + "\x00" + domain))
	return fmt.Sprintf("%s.%d.%s@%s", idSafe(issueID), memberID, hex.EncodeToString(sum[:5]), domain)
}

// idSafe keeps only characters allowed in a Message-ID's left part.
func idSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "issue"
	}
	return b.String()
}

// Domain returns the domain of an address ("weekly.example.org").
func Domain(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.ToLower(addr[i+1:])
	}
	return ""
}

// oneLine removes line breaks and other control characters from a header
// value before it is written: a name or subject can never start a
// header of its own, whatever the encoder does.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}

// RenderMessage returns the message in wire form (CRLF line ends).
func RenderMessage(spec MessageSpec, c *Content) ([]byte, error) {
	return AppendMessage(nil, spec, c, nil)
}

// appendMessage appends the message to dst: the headers, then
// multipart/mixed holding multipart/alternative (text, HTML; inside
// multipart/related when there are inline images) and the attachments.
// Parts that are alone lose their multipart wrapper. enc, when not nil,
// caches attachments' base64 across messages.
func AppendMessage(dst []byte, spec MessageSpec, c *Content, enc *Encodings) ([]byte, error) {
	html, text := c.HTML != "" || len(c.HTMLParts) > 0, c.Text != "" || len(c.TextParts) > 0
	if !html && !text {
		return nil, ErrNoContent
	}
	mailto := spec.UnsubscribeMailto
	if c.UnsubscribeMailto != "" {
		mailto = c.UnsubscribeMailto
	}
	unsub, oneClick, err := unsubscribeHeader(c.UnsubscribeURL, mailto)
	if err != nil {
		return nil, err
	}
	dst = appendHeader(dst, "From", formatAddress(spec.From))
	dst = appendHeader(dst, "To", formatAddress(spec.To))
	if spec.ReplyTo != nil {
		dst = appendHeader(dst, "Reply-To", formatAddress(*spec.ReplyTo))
	}
	dst = appendHeader(dst, "Subject", encodeHeaderText(c.Subject))
	dst = appendHeader(dst, "Date", spec.Date.Format(time.RFC1123Z))
	dst = appendHeader(dst, "Message-ID", "<"+oneLine(spec.MessageID)+">")
	dst = append(dst, "MIME-Version: 1.0\r\n"...)
	if spec.ListID != "" {
		dst = appendHeader(dst, "List-Id", listIDHeader(oneLine(spec.From.Name), spec.ListID))
	}
	if unsub != "" {
		dst = appendHeader(dst, "List-Unsubscribe", unsub)
		if oneClick {
			dst = append(dst, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"...)
		}
	}
	if spec.FeedbackID != "" {
		dst = appendHeader(dst, "Feedback-ID", oneLine(spec.FeedbackID))
	}
	dst = append(dst, "Auto-Submitted: auto-generated\r\n"...)

	mixed, related, alt := boundaries(spec.MessageID)
	open := func(dst []byte, kind, b string) []byte {
		dst = append(dst, "Content-Type: multipart/"...)
		dst = append(dst, kind...)
		dst = append(dst, "; boundary=\""...)
		dst = append(dst, b...)
		dst = append(dst, "\"\r\n\r\n"...)
		return appendBoundary(dst, b, false)
	}
	if len(c.Attachments) > 0 {
		dst = open(dst, "mixed", mixed)
	}
	if len(c.Inline) > 0 {
		dst = open(dst, "related", related)
	}
	switch {
	case text && html:
		dst = open(dst, "alternative", alt)
		dst = appendTextPart(dst, "plain", c.Text, c.TextParts, SharedText, enc)
		dst = appendBoundary(dst, alt, false)
		dst = appendTextPart(dst, "html", c.HTML, c.HTMLParts, SharedHTML, enc)
		dst = appendBoundary(dst, alt, true)
	case text:
		dst = appendTextPart(dst, "plain", c.Text, c.TextParts, SharedText, enc)
	default:
		dst = appendTextPart(dst, "html", c.HTML, c.HTMLParts, SharedHTML, enc)
	}
	if len(c.Inline) > 0 {
		for i, a := range c.Inline {
			dst = appendBoundary(dst, related, false)
			dst = appendFilePart(dst, a, Shared{SharedInline, i}, enc)
		}
		dst = appendBoundary(dst, related, true)
	}
	if len(c.Attachments) > 0 {
		for i, a := range c.Attachments {
			dst = appendBoundary(dst, mixed, false)
			dst = appendFilePart(dst, a, Shared{SharedAttachment, i}, enc)
		}
		dst = appendBoundary(dst, mixed, true)
	}
	return dst, nil
}

// listIDHeader formats `Folio Weekly <weekly.example.org>`, encoding a
// non-ASCII phrase.
func listIDHeader(name, id string) string {
	id = strings.Trim(oneLine(id), "<> ")
	if name == "" {
		return "<" + id + ">"
	}
	phrase := mime.QEncoding.Encode("utf-8", name)
	if phrase == name {
		phrase = strconv.Quote(name)
	}
	return phrase + " <" + id + ">"
}

// unsubscribeHeader is List-Unsubscribe's value: the https URL first
// (one-click per RFC 8058 when it is https) and the mailto: fallback.
func unsubscribeHeader(httpsURL, mailto string) (value string, oneClick bool, err error) {
	var uris []string
	httpsURL = strings.TrimSpace(oneLine(httpsURL))
	if httpsURL != "" {
		u, err := url.Parse(httpsURL)
		if err != nil || u.Host == "" || strings.ContainsAny(httpsURL, "<>, ") {
			return "", false, fmt.Errorf("mailer: list-unsubscribe URL %q: not an absolute URL", httpsURL)
		}
		oneClick = u.Scheme == "https"
		uris = append(uris, "<"+u.String()+">")
	}
	if mailto = strings.TrimSpace(oneLine(mailto)); mailto != "" {
		uris = append(uris, "<"+strings.Trim(mailto, "<> ")+">")
	}
	return strings.Join(uris, ", "), oneClick, nil
}

// DefaultListID is the List-Id used when none is configured:
// "newsletter.<from domain>". Signed links are scoped to the same value.
func DefaultListID(from string) string { return "newsletter." + Domain(from) }

// FeedbackID is Gmail's Feedback-ID: campaign:tier:kind:sender.
func FeedbackID(issueID, tier, domain string) string {
	if tier == "" {
		tier = "all"
	}
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == ':' || r == ' ' {
				return '-'
			}
			return r
		}, oneLine(s))
	}
	return clean(issueID) + ":" + clean(tier) + ":folio:" + clean(domain)
}

// TestMessageID is the Message-ID of a test copy of issueID sent at
// nanos: unique per copy, never one a member's copy could have.
func TestMessageID(issueID string, nanos int64, domain string) string {
	return fmt.Sprintf("%s.test.%d@%s", idSafe(issueID), nanos, domain)
}
