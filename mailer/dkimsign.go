package mailer

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The signing itself (RFC 6376 relaxed/relaxed, RFC 8463 for Ed25519),
// with the body canonicalized and hashed once for every key: go-msgauth's
// Signer hashes the body again for each key, and a second key then costs
// as much body work as the first.

// relaxedBodyHash is the base64 SHA-256 of body in relaxed canonical
// form (RFC 6376 §3.4.4): runs of spaces and tabs as one space, none at
// a line's end, no empty lines at the end, and a final CRLF unless the
// body is empty.
func relaxedBodyHash(body []byte) string {
	h := sha256.New()
	line := make([]byte, 0, 128)
	blank := 0 // empty lines seen and not yet written
	for len(body) > 0 {
		var l []byte
		if i := bytes.Index(body, []byte("\r\n")); i >= 0 {
			l, body = body[:i], body[i+2:]
		} else {
			l, body = body, nil
		}
		line = line[:0]
		wsp := false
		for _, c := range l {
			if c == ' ' || c == '\t' {
				wsp = true
				continue
			}
			if wsp {
				line = append(line, ' ')
				wsp = false
			}
			line = append(line, c)
		}
		if len(line) == 0 {
			blank++
			continue
		}
		for ; blank > 0; blank-- {
			h.Write([]byte("\r\n"))
		}
		h.Write(line)
		h.Write([]byte("\r\n"))
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// headerField is one field of a message's header, as it stands
// (continuation lines and the final CRLF included), and its name.
type headerField struct {
	name string
	raw  []byte
}

// headerFields splits a header block (ending in CRLF) into its fields.
func headerFields(head []byte) []headerField {
	var out []headerField
	for len(head) > 0 {
		end := 0
		for {
			i := bytes.Index(head[end:], []byte("\r\n"))
			if i < 0 {
				end = len(head)
				break
			}
			end += i + 2
			if end >= len(head) || (head[end] != ' ' && head[end] != '\t') {
				break
			}
		}
		raw := head[:end]
		head = head[end:]
		name, _, _ := bytes.Cut(raw, []byte(":"))
		out = append(out, headerField{name: strings.TrimSpace(string(name)), raw: raw})
	}
	return out
}

// relaxedHeader appends field in relaxed canonical form (RFC 6376
// §3.4.2): the name in lower case, the value unfolded, runs of spaces and
// tabs as one space, none around the colon or at the end, then CRLF.
func relaxedHeader(dst, field []byte) []byte {
	name, value, _ := bytes.Cut(field, []byte(":"))
	dst = append(dst, bytes.ToLower(bytes.TrimRight(name, " \t"))...)
	dst = append(dst, ':')
	wsp, started := false, false
	for _, c := range value {
		switch c {
		case '\r', '\n':
			continue
		case ' ', '\t':
			wsp = true
			continue
		}
		if wsp && started {
			dst = append(dst, ' ')
		}
		wsp, started = false, true
		dst = append(dst, c)
	}
	return append(dst, '\r', '\n')
}

// signature is one key's DKIM-Signature field for a message whose body
// hash is bh and whose header fields are fields.
func (d *DKIM) signature(k DKIMKey, fields []headerField, keys []string, bh string, now time.Time) (string, error) {
	alg := "rsa-sha256"
	if _, ok := k.Key.(ed25519.PrivateKey); ok {
		alg = "ed25519-sha256"
	}
	var sig strings.Builder
	sig.WriteString("DKIM-Signature: v=1; a=" + alg + "; c=relaxed/relaxed; d=" + d.Domain + "; s=" + k.Selector + ";\r\n\tt=" +
		strconv.FormatInt(now.Unix(), 10) + "; h=")
	line := len("\tt=; h=") + 10
	for i, key := range keys {
		if i > 0 {
			sig.WriteByte(':')
			line++
			if line+len(key) > 76 {
				sig.WriteString("\r\n\t")
				line = 1
			}
		}
		sig.WriteString(key)
		line += len(key)
	}
	sig.WriteString(";\r\n\tbh=" + bh + ";\r\n\tb=")
	// The header fields named in h=, each instance taken from the bottom
	// up (RFC 6376 §5.4.2); a name listed once more than the message has
	// it adds nothing, so an added copy breaks the signature.
	used := map[string]int{}
	buf := make([]byte, 0, 2048)
	for _, key := range keys {
		lk := strings.ToLower(key)
		n := used[lk]
		for i := len(fields) - 1; i >= 0; i-- {
			if strings.EqualFold(fields[i].name, key) {
				if n == 0 {
					buf = relaxedHeader(buf, fields[i].raw)
					break
				}
				n--
			}
		}
		used[lk]++
	}
	buf = relaxedHeader(buf, []byte(sig.String()))
	buf = buf[:len(buf)-2] // the signature's own field ends without CRLF
	sum := sha256.Sum256(buf)
	var b []byte
	var err error
	switch key := k.Key.(type) {
	case ed25519.PrivateKey:
		b = ed25519.Sign(key, sum[:])
	case *rsa.PrivateKey:
		b, err = rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	default:
		err = fmt.Errorf("unsupported key type %T", k.Key)
	}
	if err != nil {
		return "", fmt.Errorf("mailer: dkim sign (s=%s): %w", k.Selector, err)
	}
	enc := base64.StdEncoding.EncodeToString(b)
	for len(enc) > 72 {
		sig.WriteString(enc[:72] + "\r\n\t ")
		enc = enc[72:]
	}
	sig.WriteString(enc + "\r\n")
	return sig.String(), nil
}
