package mailer

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAppendQP(t *testing.T) {
	long := strings.Repeat("abcdefghij", 20)
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Dear Ann,\nhello", "Dear Ann,\r\nhello"},
		{"crlf kept", "a\r\nb", "a\r\nb"},
		{"equals", "a=b", "a=3Db"},
		{"utf8", "Zoë", "Zo=C3=AB"},
		{"trailing space", "end \nnext", "end=20\r\nnext"},
		{"trailing tab at end", "end\t", "end=09"},
		{"inner space", "a b", "a b"},
		{"lone cr", "a\rb", "a=0Db"},
		{"soft break", long[:80], long[:75] + "=\r\n" + long[75:80]},
		{"encoded never split", strings.Repeat("a", 74) + "é", strings.Repeat("a", 74) + "=\r\n=C3=A9"},
		{"space at the limit before a line end", strings.Repeat("a", 74) + " \nb", strings.Repeat("a", 74) + "=\r\n=20\r\nb"},
		{"leading dot", ".card {\n.\na.b", "=2Ecard {\r\n=2E\r\na.b"},
		{"dot after a soft break", long[:75] + ".x", long[:75] + "=\r\n=2Ex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(appendQP(nil, tt.in)); got != tt.want {
				t.Errorf("appendQP(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// checkQP decodes enc with the standard library's reader and checks it
// gives back in (with CRLF line ends), that every line obeys RFC 2045 and
// that none starts with a dot (so SMTP needs no dot-stuffing).
func checkQP(t *testing.T, in string, enc []byte) {
	t.Helper()
	for i, line := range bytes.Split(enc, []byte("\r\n")) {
		if len(line) > 0 && line[0] == '.' {
			t.Fatalf("line %d starts with a dot: %q", i+1, line)
		}
		if len(line) > 76 {
			t.Fatalf("line %d is %d characters: %q", i+1, len(line), line)
		}
		if n := len(line); n > 0 && (line[n-1] == ' ' || line[n-1] == '\t') {
			t.Fatalf("line %d ends in whitespace: %q", i+1, line)
		}
		for _, c := range line {
			if c > '~' || c < ' ' && c != '\t' {
				t.Fatalf("line %d carries byte %#x: %q", i+1, c, line)
			}
		}
	}
	dec, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(enc)))
	if err != nil {
		t.Fatalf("decode %q: %v", enc, err)
	}
	want := strings.ReplaceAll(strings.ReplaceAll(in, "\r\n", "\n"), "\n", "\r\n")
	if string(dec) != want {
		t.Fatalf("round trip of %q\n got %q\nwant %q", in, dec, want)
	}
}

func TestAppendQPRoundTrip(t *testing.T) {
	for _, in := range []string{
		"", "\n", " ", "=", "\r\n\r\n", "a \r\n", strings.Repeat("é", 100),
		strings.Repeat("word ", 40) + "\n" + strings.Repeat("x", 300),
		"<p style=\"color:#333\">Caf\u00e9 \u2605\u2605\u2606 \u2014 \u201cquoted\u201d</p>\n\t\n.dot line\n",
	} {
		checkQP(t, in, appendQP(nil, in))
	}
}

func FuzzAppendQP(f *testing.F) {
	f.Add("Dear Zoë,\nthe issue is attached. ")
	f.Add(strings.Repeat("a", 74) + " \n\t=\r")
	f.Fuzz(func(t *testing.T, in string) {
		// A lone CR is encoded, so it comes back as itself; only the
		// round trip of line ends is normalised.
		if strings.Contains(strings.ReplaceAll(in, "\r\n", ""), "\r") {
			enc := appendQP(nil, in)
			if bytes.Contains(bytes.ReplaceAll(enc, []byte("\r\n"), nil), []byte("\r")) {
				t.Fatalf("raw CR in %q", enc)
			}
			return
		}
		checkQP(t, in, appendQP(nil, in))
	})
}

// BenchmarkAppendQP encodes the sample issue's email HTML, as every
// member's message does.
func BenchmarkAppendQP(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "publish", "testdata", "golden", "2026-W10.1.eml"))
	if err != nil {
		b.Fatal(err)
	}
	// Decoded back from the golden message: the HTML part as rendered.
	html := decodeHTMLPart(b, data)
	b.SetBytes(int64(len(html)))
	var dst []byte
	for b.Loop() {
		dst = appendQP(dst[:0], html)
	}
}

// decodeHTMLPart returns the text/html part of a message.
func decodeHTMLPart(tb testing.TB, msg []byte) string {
	tb.Helper()
	var walk func(ct string, body io.Reader) string
	walk = func(ct string, body io.Reader) string {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			tb.Fatal(err)
		}
		if mt == "text/html" {
			b, _ := io.ReadAll(body)
			return string(b)
		}
		if !strings.HasPrefix(mt, "multipart/") {
			return ""
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				return ""
			}
			if s := walk(p.Header.Get("Content-Type"), p); s != "" {
				return s
			}
		}
	}
	m, err := mail.ReadMessage(bytes.NewReader(msg))
	if err != nil {
		tb.Fatal(err)
	}
	html := walk(m.Header.Get("Content-Type"), m.Body)
	if html == "" {
		tb.Fatal("no text/html part")
	}
	return html
}

// TestPiecesDecodeToTheWhole: a body encoded piece by piece, shared
// pieces from the cache, decodes to the joined text, whatever the cuts
// (mid-line, mid-word, around spaces and line ends); only shared pieces
// are cached.
func TestPiecesDecodeToTheWhole(t *testing.T) {
	shared := []string{"<p>Dear ", "</p>\n<p>Your copy: ", " \n", "=end=\n"}
	personal := []string{"Zoë Lindqvist ", "https://weekly.example.org/u/" + strings.Repeat("tok", 30), ""}
	var pieces []string
	for i := range shared {
		pieces = append(pieces, shared[i])
		if i < len(personal) {
			pieces = append(pieces, personal[i])
		}
	}
	var enc Encodings
	for range 2 { // the second round comes from the cache
		var dst []byte
		for i, p := range pieces {
			if i%2 == 0 {
				dst = append(dst, enc.quotedPrintable(Shared{SharedText, i / 2}, p)...)
			} else {
				dst = appendQPPiece(dst, p)
			}
		}
		checkQP(t, strings.Join(pieces, ""), dst)
	}
	if len(enc.cache) != len(shared) {
		t.Errorf("cache holds %d pieces, want the %d shared ones", len(enc.cache), len(shared))
	}
}

// TestSharedCacheChecksTheSource: the cache is keyed by a piece's place
// in the message, and an entry serves only the very text or bytes it was
// made from: another member's different "shared" piece in the same
// place is encoded afresh, never given the first member's encoding.
func TestSharedCacheChecksTheSource(t *testing.T) {
	var enc Encodings
	key := Shared{SharedHTML, 0}
	first := enc.quotedPrintable(key, "Dear Ann,\n")
	if got := enc.quotedPrintable(key, "Dear Bob,\n"); string(got) == string(first) {
		t.Fatalf("a different piece in the same place got the cached encoding %q", got)
	}
	checkQP(t, "Dear Bob,\n", enc.quotedPrintable(key, "Dear Bob,\n"))
	pdf := []byte("%PDF-1.7 one")
	other := []byte("%PDF-1.7 two")
	fk := Shared{SharedAttachment, 0}
	a, b := enc.encodeBase64(fk, pdf), enc.encodeBase64(fk, other)
	if string(a) == string(b) {
		t.Fatal("a different attachment in the same place got the cached base64")
	}
	if again := enc.encodeBase64(fk, other); &again[0] != &b[0] {
		t.Error("the same bytes were encoded again instead of coming from the cache")
	}
}
