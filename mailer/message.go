package mailer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// ErrNoContent is returned when a Composer produced neither HTML nor text.
var ErrNoContent = errors.New("mailer: message has no HTML and no text")

// Header names go-mail has no constant for.
const (
	headerListID        gomail.Header = "List-Id"
	headerAutoSubmitted gomail.Header = "Auto-Submitted"
	headerFeedbackID    gomail.Header = "Feedback-ID"
)

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
// value before it reaches go-mail: a name or subject can never start a
// header of its own, whatever the encoder does.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}

// BuildMessage assembles the go-mail message: multipart/mixed holding
// multipart/alternative (text, HTML; inside multipart/related when there
// are inline images) and the attachments.
func BuildMessage(spec MessageSpec, c *Content) (*gomail.Msg, error) {
	if c.HTML == "" && c.Text == "" {
		return nil, ErrNoContent
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent(), gomail.WithCharset(gomail.CharsetUTF8))
	from := spec.From
	from.Name = oneLine(from.Name)
	msg.FromMailAddress(&from)
	to := spec.To
	to.Name = oneLine(to.Name)
	msg.ToMailAddress(&to)
	if spec.ReplyTo != nil {
		rt := *spec.ReplyTo
		rt.Name = oneLine(rt.Name)
		msg.ReplyToMailAddress(&rt)
	}
	msg.Subject(oneLine(c.Subject))
	msg.SetDateWithValue(spec.Date)
	msg.SetMessageIDWithValue(spec.MessageID)
	msg.SetGenHeader(headerAutoSubmitted, "auto-generated")
	if spec.ListID != "" {
		msg.SetGenHeader(headerListID, listIDHeader(from.Name, spec.ListID))
	}
	if spec.FeedbackID != "" {
		msg.SetGenHeader(headerFeedbackID, oneLine(spec.FeedbackID))
	}
	if err := setUnsubscribe(msg, c.UnsubscribeURL, spec.UnsubscribeMailto); err != nil {
		return nil, err
	}

	switch {
	case c.Text != "" && c.HTML != "":
		msg.SetBodyWriter(gomail.TypeTextPlain, writeString(c.Text))
		msg.AddAlternativeWriter(gomail.TypeTextHTML, writeString(c.HTML))
	case c.Text != "":
		msg.SetBodyWriter(gomail.TypeTextPlain, writeString(c.Text))
	default:
		msg.SetBodyWriter(gomail.TypeTextHTML, writeString(c.HTML))
	}
	for _, a := range c.Inline {
		if err := msg.EmbedReader(oneLine(a.Name), bytes.NewReader(a.Data),
			// RFC 2392 wants the angle brackets; go-mail writes the ID as given.
			gomail.WithFileContentID("<"+strings.Trim(oneLine(a.CID), "<> ")+">"), gomail.WithFileContentType(contentType(a))); err != nil {
			return nil, fmt.Errorf("mailer: embed %s: %w", a.Name, err)
		}
	}
	for _, a := range c.Attachments {
		msg.AttachReadSeeker(oneLine(a.Name), bytes.NewReader(a.Data), gomail.WithFileContentType(contentType(a)))
	}
	return msg, nil
}

// writeString writes a body part straight from the string: go-mail's
// SetBodyString copies it into a buffer first (and empties that buffer
// on the first write).
func writeString(s string) func(io.Writer) (int64, error) {
	return func(w io.Writer) (int64, error) {
		n, err := io.WriteString(w, s)
		return int64(n), err
	}
}

func contentType(a Attachment) gomail.ContentType {
	if a.ContentType == "" {
		return gomail.TypeAppOctetStream
	}
	return gomail.ContentType(oneLine(a.ContentType))
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

// setUnsubscribe writes List-Unsubscribe with the https URL first (and
// List-Unsubscribe-Post for RFC 8058 one-click) and the mailto: fallback.
// Every header goes through SetGenHeader: go-mail writes those sorted,
// while its preformatted ones come out in map order, so the same message
// would render differently twice.
func setUnsubscribe(msg *gomail.Msg, httpsURL, mailto string) error {
	var uris []string
	httpsURL = strings.TrimSpace(oneLine(httpsURL))
	oneClick := false
	if httpsURL != "" {
		u, err := url.Parse(httpsURL)
		if err != nil || u.Host == "" || strings.ContainsAny(httpsURL, "<>, ") {
			return fmt.Errorf("mailer: list-unsubscribe URL %q: not an absolute URL", httpsURL)
		}
		oneClick = u.Scheme == "https"
		uris = append(uris, "<"+u.String()+">")
	}
	if mailto = strings.TrimSpace(oneLine(mailto)); mailto != "" {
		uris = append(uris, "<"+strings.Trim(mailto, "<>")+">")
	}
	if len(uris) == 0 {
		return nil
	}
	msg.SetGenHeader(gomail.HeaderListUnsubscribe, strings.Join(uris, ", "))
	if oneClick {
		msg.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	return nil
}

// Render writes the message in wire form (CRLF line ends).
func Render(msg *gomail.Msg) ([]byte, error) {
	var buf bytes.Buffer
	return renderInto(&buf, msg)
}

// renderInto is Render into a buffer the caller reuses: the bytes are
// valid until buf's next Reset.
func renderInto(buf *bytes.Buffer, msg *gomail.Msg) ([]byte, error) {
	buf.Reset()
	if _, err := msg.WriteTo(buf); err != nil {
		return nil, fmt.Errorf("mailer: render message: %w", err)
	}
	return buf.Bytes(), nil
}
