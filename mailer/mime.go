package mailer

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"mime"
	"net/mail"
	"strings"
	"sync"
)

// headerLine is the length past which writeHeader folds a header field
// (RFC 5322 §2.1.1 recommends 78 characters).
const headerLine = 78

// appendHeader appends "Name: value" CRLF, folded before spaces so that no
// line exceeds headerLine where a space allows it. value is one line.
func appendHeader(dst []byte, name, value string) []byte {
	dst = append(dst, name...)
	dst = append(dst, ':', ' ')
	col := len(name) + 2
	for len(value) > 0 {
		if col+len(value) <= headerLine {
			dst = append(dst, value...)
			break
		}
		// The last space that keeps the line within the limit, else the
		// first space at all: a long word is never split.
		cut := strings.LastIndexByte(value[:min(len(value), max(headerLine-col, 1))], ' ')
		if cut <= 0 {
			if cut = strings.IndexByte(value[1:], ' '); cut < 0 {
				dst = append(dst, value...)
				break
			}
			cut++
		}
		dst = append(dst, value[:cut]...)
		dst = append(dst, '\r', '\n')
		value = value[cut:] // starts with the space: the fold's whitespace
		col = 0
	}
	return append(dst, '\r', '\n')
}

// formatAddress is an address header value: a bare address, a quoted
// phrase or RFC 2047 words for a name outside ASCII (headerAddress).
func formatAddress(a mail.Address) string { return headerAddress(a) }

// encodeHeaderText returns s as is when it is printable ASCII, otherwise
// as RFC 2047 encoded words.
func encodeHeaderText(s string) string {
	s = oneLine(s)
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x7f {
			return mime.QEncoding.Encode("utf-8", s)
		}
	}
	return s
}

// boundaries returns the multipart boundaries of a message. They start
// with "=_", which neither quoted-printable nor base64 output can
// contain, so no body line can ever be mistaken for one; the hash of the
// Message-ID keeps them distinct between messages and identical on a
// resend, so the same message renders to the same bytes.
func boundaries(messageID string) (mixed, related, alt string) {
	sum := sha256.Sum256([]byte(messageID))
	base := "=_folio_" + hex.EncodeToString(sum[:8])
	return base + "_m", base + "_r", base + "_a"
}

// appendBoundary appends the delimiter line of a part ("--b" CRLF), or
// the closing one ("--b--" CRLF).
func appendBoundary(dst []byte, b string, closing bool) []byte {
	dst = append(dst, '-', '-')
	dst = append(dst, b...)
	if closing {
		dst = append(dst, '-', '-')
	}
	return append(dst, '\r', '\n')
}

// appendTextPart appends a text part: its headers and its body in
// quoted-printable, from the pieces when there are any.
func appendTextPart(dst []byte, subtype, body string, pieces []string, kind SharedKind, enc *Encodings) []byte {
	dst = append(dst, "Content-Type: text/"...)
	dst = append(dst, subtype...)
	dst = append(dst, "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"...)
	if pieces == nil {
		return append(appendQP(dst, body), '\r', '\n')
	}
	for i, p := range pieces {
		if i%2 == 0 {
			dst = append(dst, enc.quotedPrintable(Shared{kind, i / 2}, p)...)
		} else {
			dst = appendQPPiece(dst, p)
		}
	}
	return append(dst, '\r', '\n')
}

// appendQPPiece appends one piece of a body in quoted-printable, ending
// at the start of a line (with a soft break when the text does not end
// one), so that pieces encoded apart join into a valid body that decodes
// to the joined text.
func appendQPPiece(dst []byte, p string) []byte {
	if p == "" {
		return dst
	}
	dst = appendQP(dst, p)
	if p[len(p)-1] != '\n' {
		dst = append(dst, '=', '\r', '\n')
	}
	return dst
}

// appendFilePart appends an inline image or an attachment in base64.
func appendFilePart(dst []byte, a Attachment, key Shared, enc *Encodings) []byte {
	inline := key.Kind == SharedInline
	ct := contentType(a)
	name := oneLine(a.Name)
	dst = appendHeader(dst, "Content-Type", mime.FormatMediaType(ct, map[string]string{"name": name}))
	disposition := "attachment"
	if inline {
		disposition = "inline"
	}
	dst = appendHeader(dst, "Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": name}))
	if inline {
		// RFC 2392 wants the angle brackets.
		dst = appendHeader(dst, "Content-ID", "<"+strings.Trim(oneLine(a.CID), "<> ")+">")
	}
	dst = append(dst, "Content-Transfer-Encoding: base64\r\n\r\n"...)
	return append(dst, enc.encodeBase64(key, a.Data)...)
}

// contentType is an attachment's media type, application/octet-stream
// when it has none or an unparsable one.
func contentType(a Attachment) string {
	if t, _, err := mime.ParseMediaType(oneLine(a.ContentType)); err == nil {
		return t
	}
	return "application/octet-stream"
}

// Encodings caches the encoded forms of what every member's copy of an
// issue shares: the base64 of the PDF and images, and the
// quoted-printable of the newsletter's shared pieces. Each is encoded
// once per send rather than once per message. Safe for concurrent use.
type Encodings struct {
	mu    sync.Mutex
	cache map[Shared]encoded
}

// Shared names a piece of a message that every member's copy of a send
// has in the same place: the i-th shared piece of the HTML or text body
// (Content.HTMLParts, TextParts), or the i-th inline image or
// attachment. A cached encoding is used only for the very bytes it was
// made from: a composer whose "shared" pieces differ between members
// gets correct messages, just no saving.
type Shared struct {
	Kind  SharedKind
	Index int
}

// SharedKind says which list of a Content a Shared piece is in.
type SharedKind uint8

// The kinds of shared pieces.
const (
	SharedText SharedKind = iota + 1
	SharedHTML
	SharedInline
	SharedAttachment
)

// encoded is a cached encoding and the source it was made from: text
// for a body piece, data for a file.
type encoded struct {
	text string
	data []byte
	out  []byte
}

// same reports whether the cached encoding was made from text or data.
// The comparison costs nothing when the source is the very one cached
// (Go compares equal pointers first), which is the point of the cache.
func (c encoded) same(text string, data []byte) bool {
	if data != nil {
		return bytes.Equal(c.data, data)
	}
	return c.text == text
}

// maxShared bounds the cache: an edition has a few dozen shared pieces,
// and a composer whose "shared" pieces are in fact new every time must
// not grow it without end.
const maxShared = 4096

// lookup returns the cached encoding of the source at key.
func (e *Encodings) lookup(key Shared, text string, data []byte) ([]byte, bool) {
	if e == nil {
		return nil, false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c, ok := e.cache[key]
	if !ok || !c.same(text, data) {
		return nil, false
	}
	return c.out, true
}

// store caches out as the encoding of the source at key.
func (e *Encodings) store(key Shared, c encoded) {
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cache == nil {
		e.cache = map[Shared]encoded{}
	}
	if _, ok := e.cache[key]; ok || len(e.cache) < maxShared {
		e.cache[key] = c
	}
}

// quotedPrintable returns the shared piece p at key encoded by
// appendQPPiece.
func (e *Encodings) quotedPrintable(key Shared, p string) []byte {
	if p == "" {
		return nil
	}
	if out, ok := e.lookup(key, p, nil); ok {
		return out
	}
	out := appendQPPiece(nil, p)
	e.store(key, encoded{text: p, out: out})
	return out
}

// encodeBase64 returns the file data at key in base64 with
// CRLF-terminated 76-character lines.
func (e *Encodings) encodeBase64(key Shared, data []byte) []byte {
	if len(data) == 0 {
		return nil
	}
	if out, ok := e.lookup(key, "", data); ok {
		return out
	}
	const lineBytes = 57 // 76 base64 characters
	out := make([]byte, 0, base64.StdEncoding.EncodedLen(len(data))+(len(data)/lineBytes+1)*2)
	for src := data; len(src) > 0; {
		n := min(len(src), lineBytes)
		out = base64.StdEncoding.AppendEncode(out, src[:n])
		out = append(out, '\r', '\n')
		src = src[n:]
	}
	e.store(key, encoded{data: data, out: out})
	return out
}
