package mailer

// qpLine is the most characters appendQP puts on a line before a soft
// break: RFC 2045 §6.7 allows 76 including the "=" of the soft break.
const qpLine = 75

// qpLiteral reports whether quoted-printable may carry c as it is:
// printable ASCII except "=", plus space and tab (which appendQP still
// encodes at the end of a line, where transports may strip them).
func qpLiteral(c byte) bool {
	return c >= ' ' && c <= '~' && c != '=' || c == '\t'
}

const upperHex = "0123456789ABCDEF"

// appendQP appends s to dst quoted-printable encoded (RFC 2045 §6.7) with
// CRLF line ends: "\n" and "\r\n" become hard line breaks, lines longer
// than qpLine get soft breaks, and "=", control bytes, bytes above 126 and
// whitespace before a line end are encoded. A dot that would start a
// line is encoded too (=2E), so no line of a message Folio writes starts
// with one and it goes out over SMTP without dot-stuffing (wireReady).
// It copies runs of literal bytes at once rather than byte by byte: the
// per-member HTML and text parts are most of a message, and this is the
// hot loop of a send.
func appendQP(dst []byte, s string) []byte {
	col := 0
	for len(s) > 0 {
		if col == 0 && s[0] == '.' {
			dst = append(dst, "=2E"...)
			col, s = 3, s[1:]
			continue
		}
		// The longest run of literal bytes that fits on the line, eight
		// bytes at a time while they are plain printable ASCII.
		n, room := 0, min(len(s), qpLine-col)
		for n+8 <= room && plainASCII8(s[n:n+8]) {
			n += 8
		}
		for n < room && qpLiteral(s[n]) {
			n++
		}
		// Whitespace right before a line end must be encoded.
		if n > 0 && (s[n-1] == ' ' || s[n-1] == '\t') && lineEndAt(s, n) {
			n--
		}
		dst = append(dst, s[:n]...)
		col += n
		s = s[n:]
		if len(s) == 0 {
			break
		}
		switch c := s[0]; {
		case c == '\n':
			dst = append(dst, '\r', '\n')
			col = 0
			s = s[1:]
		case c == '\r' && len(s) > 1 && s[1] == '\n':
			dst = append(dst, '\r', '\n')
			col = 0
			s = s[2:]
		default:
			// A literal byte here is one the line had no room for;
			// whitespace before a line end is encoded instead.
			lit := qpLiteral(c) && (c != ' ' && c != '\t' || !lineEndAt(s, 1))
			if lit || col+3 > qpLine {
				dst = append(dst, '=', '\r', '\n')
				col = 0
				continue
			}
			dst = append(dst, '=', upperHex[c>>4], upperHex[c&0x0f])
			col += 3
			s = s[1:]
		}
	}
	return dst
}

// plainASCII8 reports whether all eight bytes of s are printable ASCII
// other than "=" (space included, tab not), testing them at once: no
// high bit, no borrow when 0x20 is taken from each byte, and no byte equal
// to 0x7f or "=" (a zero byte after the XOR).
func plainASCII8(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	del, eq := w^(0x7f*ones), w^('='*ones)
	return (w|(w-0x20*ones)|((del-ones)&^del)|((eq-ones)&^eq))&highs == 0
}

// lineEndAt reports whether s has a line end (or its end) at i.
func lineEndAt(s string, i int) bool {
	return i >= len(s) || s[i] == '\n' || s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n'
}
