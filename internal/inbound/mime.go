package inbound

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"strings"
)

// Limits of the MIME walk: what arrives from outside never costs more
// than these, whatever its structure.
const (
	maxDepth     = 6  // nesting of multiparts and attached messages
	maxParts     = 64 // parts in the whole tree
	maxHeaderLen = 64 << 10
)

// ErrMalformed wraps every reason a message could not be read as MIME.
var ErrMalformed = errors.New("inbound: malformed message")

// part is one node of a message's MIME tree, its body decoded.
type part struct {
	header    textproto.MIMEHeader
	mediaType string // lower case, "text/plain" when absent
	params    map[string]string
	body      []byte  // decoded leaf body; nil for a multipart
	parts     []*part // children of a multipart, or the message of a message/rfc822
}

// walker counts the parts of one message.
type walker struct{ parts int }

// parseMessage reads raw (header block, blank line, body) into a tree.
func parseMessage(raw []byte) (*part, error) {
	w := &walker{}
	return w.message(raw, 0)
}

func (w *walker) message(raw []byte, depth int) (*part, error) {
	tp := textproto.NewReader(bufio.NewReader(io.LimitReader(bytes.NewReader(raw), int64(len(raw)))))
	hdr, err := tp.ReadMIMEHeader()
	if err != nil && (!errors.Is(err, io.EOF) || len(hdr) == 0) {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	if len(hdr) == 0 {
		return nil, fmt.Errorf("%w: no header", ErrMalformed)
	}
	body, err := io.ReadAll(tp.R)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return w.part(hdr, body, depth)
}

// part builds the node for a header and its (still encoded) body.
func (w *walker) part(hdr textproto.MIMEHeader, body []byte, depth int) (*part, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: nested more than %d deep", ErrMalformed, maxDepth)
	}
	if w.parts++; w.parts > maxParts {
		return nil, fmt.Errorf("%w: more than %d parts", ErrMalformed, maxParts)
	}
	p := &part{header: hdr, mediaType: "text/plain", params: map[string]string{}}
	if ct := hdr.Get("Content-Type"); ct != "" {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil && mt == "" {
			// A broken Content-Type reads as plain text (RFC 2045 §5.2)
			// so the rest of a non-standard bounce can still be read.
			mt, params = "text/plain", map[string]string{}
		}
		p.mediaType, p.params = strings.ToLower(mt), params
	}
	switch {
	case strings.HasPrefix(p.mediaType, "multipart/"):
		b := p.params["boundary"]
		if b == "" {
			return nil, fmt.Errorf("%w: %s without a boundary", ErrMalformed, p.mediaType)
		}
		mr := multipart.NewReader(bytes.NewReader(body), b)
		for {
			np, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				if len(p.parts) > 0 {
					break // a truncated last part: keep what came before
				}
				return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, p.mediaType, err)
			}
			data, err := io.ReadAll(np)
			if err != nil {
				if len(p.parts) > 0 {
					break
				}
				return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, p.mediaType, err)
			}
			child, err := w.part(np.Header, data, depth+1)
			if err != nil {
				return nil, err
			}
			p.parts = append(p.parts, child)
		}
		if len(p.parts) == 0 {
			return nil, fmt.Errorf("%w: %s with no parts", ErrMalformed, p.mediaType)
		}
	default:
		dec, err := decode(hdr.Get("Content-Transfer-Encoding"), body)
		if err != nil {
			return nil, err
		}
		p.body = dec
		if p.mediaType == "message/rfc822" || p.mediaType == "message/global" {
			// The returned message: walk it too, but a broken copy of
			// the original does not make the report unreadable.
			if m, err := w.message(dec, depth+1); err == nil {
				p.parts = []*part{m}
			}
		}
	}
	return p, nil
}

// decode undoes a Content-Transfer-Encoding.
func decode(cte string, body []byte) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		clean := bytes.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, body)
		out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
		n, err := base64.StdEncoding.Decode(out, bytes.TrimRight(clean, "="))
		if err != nil {
			n, err = base64.RawStdEncoding.Decode(out, bytes.TrimRight(clean, "="))
		}
		if err != nil {
			return nil, fmt.Errorf("%w: base64: %v", ErrMalformed, err)
		}
		return out[:n], nil
	case "quoted-printable":
		out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
		if err != nil {
			// Many MTAs write sloppy quoted-printable: keep what decoded.
			return out, nil
		}
		return out, nil
	}
	return body, nil
}

// walk visits p and every part below it, depth first.
func (p *part) walk(fn func(*part) bool) bool {
	if !fn(p) {
		return false
	}
	for _, c := range p.parts {
		if !c.walk(fn) {
			return false
		}
	}
	return true
}

// find returns the first part of one of the media types, or nil.
func (p *part) find(types ...string) *part {
	var found *part
	p.walk(func(q *part) bool {
		for _, t := range types {
			if q.mediaType == t {
				found = q
				return false
			}
		}
		return true
	})
	return found
}

// text is every text/plain (else text/html) body of the tree, joined;
// the parts of attached messages are left out (they are the original).
func (p *part) text() string {
	var b strings.Builder
	var visit func(q *part)
	visit = func(q *part) {
		switch {
		case q.mediaType == "message/rfc822" || q.mediaType == "message/global" ||
			q.mediaType == "text/rfc822-headers" || q.mediaType == "message/rfc822-headers":
			return
		case strings.HasPrefix(q.mediaType, "multipart/"):
			for _, c := range q.parts {
				visit(c)
			}
		case q.mediaType == "text/plain" || q.mediaType == "text/html":
			b.Write(q.body)
			b.WriteByte('\n')
		}
	}
	visit(p)
	return b.String()
}

// headerBlock parses a block of header fields (an attached message's
// header, text/rfc822-headers, or a delivery-status group).
func headerBlock(b []byte) textproto.MIMEHeader {
	if len(b) > maxHeaderLen {
		b = b[:maxHeaderLen]
	}
	b = append(bytes.TrimLeft(b, "\r\n"), "\r\n\r\n"...)
	h, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(b))).ReadMIMEHeader()
	return h
}
