package mailer

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"mime"
	"net/mail"
	"strings"
	"sync"
	"unsafe"
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
// phrase or RFC 2047 words for a name outside ASCII.
func formatAddress(a mail.Address) string {
	a.Name = oneLine(a.Name)
	return a.String()
}

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
func appendTextPart(dst []byte, subtype, body string, pieces []string, enc *Encodings) []byte {
	dst = append(dst, "Content-Type: text/"...)
	dst = append(dst, subtype...)
	dst = append(dst, "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"...)
	if pieces == nil {
		return append(appendQP(dst, body), '\r', '\n')
	}
	for i, p := range pieces {
		if i%2 == 0 {
			dst = append(dst, enc.quotedPrintable(p)...)
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
func appendFilePart(dst []byte, a Attachment, inline bool, enc *Encodings) []byte {
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
	return append(dst, enc.encodeBase64(a.Data)...)
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
	mu     sync.Mutex
	base64 map[encKey][]byte
	qp     map[encKey][]byte
}

// maxQPPieces bounds the quoted-printable cache: an edition has a few
// dozen shared pieces, and a composer whose "shared" pieces are in fact
// new every time must not grow it without end.
const maxQPPieces = 4096

// encKey identifies bytes by where they live, not by their content: the
// composer hands every member the same slices of the built issue. The
// pointer in the map keeps that memory from being reused.
type encKey struct {
	p *byte
	n int
}

// quotedPrintable returns a shared piece encoded by appendQPPiece.
func (e *Encodings) quotedPrintable(p string) []byte {
	if p == "" {
		return nil
	}
	if e == nil {
		return appendQPPiece(nil, p)
	}
	key := encKey{unsafe.StringData(p), len(p)}
	e.mu.Lock()
	out, ok := e.qp[key]
	e.mu.Unlock()
	if ok {
		return out
	}
	out = appendQPPiece(nil, p)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.qp == nil {
		e.qp = map[encKey][]byte{}
	}
	if len(e.qp) < maxQPPieces {
		e.qp[key] = out
	}
	return out
}

// encodeBase64 returns data in base64 with CRLF-terminated 76-character
// lines.
func (e *Encodings) encodeBase64(data []byte) []byte {
	if len(data) == 0 {
		return nil
	}
	key := encKey{unsafe.SliceData(data), len(data)}
	if e != nil {
		e.mu.Lock()
		defer e.mu.Unlock()
		if out, ok := e.base64[key]; ok {
			return out
		}
	}
	const lineBytes = 57 // 76 base64 characters
	out := make([]byte, 0, base64.StdEncoding.EncodedLen(len(data))+(len(data)/lineBytes+1)*2)
	for len(data) > 0 {
		n := min(len(data), lineBytes)
		out = base64.StdEncoding.AppendEncode(out, data[:n])
		out = append(out, '\r', '\n')
		data = data[n:]
	}
	if e != nil {
		if e.base64 == nil {
			e.base64 = map[encKey][]byte{}
		}
		e.base64[key] = out
	}
	return out
}
