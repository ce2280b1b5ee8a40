package pdf

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// A minimal reader of PDF content streams for the tests: qpdf writes the
// file with its streams uncompressed (--qdf), and tokens below are read
// from each page's content stream as the PDF operators see them.

// token is one lexical element of a content stream.
type token struct {
	kind byte   // 'o' operator, 's' string, 'n' name, 'd' number, 'D' dictionary, 'A' array start, 'a' array end
	text string // decoded string bytes, name, number, operator, or a dictionary's source
}

// lex splits a content stream into tokens.
func lex(data []byte) []token {
	var out []token
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c == ' ' || c == '\n' || c == '\r' || c == '\t':
			i++
		case c == '%':
			for i < len(data) && data[i] != '\n' {
				i++
			}
		case c == '(':
			var raw []byte
			depth := 1
			for i++; i < len(data) && depth > 0; i++ {
				switch ch := data[i]; {
				case ch == '\\' && i+1 < len(data):
					i++
					switch data[i] {
					case 'r':
						raw = append(raw, '\r')
					case 'n':
						raw = append(raw, '\n')
					default:
						raw = append(raw, data[i])
					}
				case ch == '(':
					depth++
					raw = append(raw, ch)
				case ch == ')':
					if depth--; depth > 0 {
						raw = append(raw, ch)
					}
				default:
					raw = append(raw, ch)
				}
			}
			out = append(out, token{'s', string(raw)})
		case c == '<' && i+1 < len(data) && data[i+1] == '<':
			start, depth := i, 0
			for ; i < len(data); i++ {
				switch {
				case bytes.HasPrefix(data[i:], []byte("<<")):
					depth++
					i++
				case bytes.HasPrefix(data[i:], []byte(">>")):
					depth--
					i++
				case data[i] == '<': // a hex string inside
					i += bytes.IndexByte(data[i:], '>')
				case data[i] == '(': // a literal string inside
					for n := 0; i < len(data); i++ {
						if data[i] == '\\' {
							i++
						} else if data[i] == '(' {
							n++
						} else if data[i] == ')' {
							if n--; n == 0 {
								break
							}
						}
					}
				}
				if depth == 0 {
					i++
					break
				}
			}
			out = append(out, token{'D', string(data[start:i])})
		case c == '<':
			j := bytes.IndexByte(data[i:], '>') + i
			out = append(out, token{'s', string(unhexString(data[i+1 : j]))})
			i = j + 1
		case c == '[':
			out = append(out, token{'A', "["})
			i++
		case c == ']':
			out = append(out, token{'a', "]"})
			i++
		case c == '/':
			j := i + 1
			for j < len(data) && !strings.ContainsRune(" \n\r\t/[]<>()", rune(data[j])) {
				j++
			}
			out = append(out, token{'n', string(data[i+1 : j])})
			i = j
		default:
			j := i
			for j < len(data) && !strings.ContainsRune(" \n\r\t/[]<>()%", rune(data[j])) {
				j++
			}
			w := string(data[i:j])
			if _, err := strconv.ParseFloat(w, 64); err == nil {
				out = append(out, token{'d', w})
			} else {
				out = append(out, token{'o', w})
			}
			if j == i {
				j++
			}
			i = j
		}
	}
	return out
}

func unhexString(h []byte) []byte {
	h = bytes.Join(bytes.Fields(h), nil)
	out := make([]byte, 0, len(h)/2)
	for k := 0; k+1 < len(h); k += 2 {
		out = append(out, unhex(h[k])<<4|unhex(h[k+1]))
	}
	return out
}

// dictString is the value of a text-string key in a dictionary's
// source, "<</ActualText <FEFF…>>>", decoded; ok is false when absent.
func dictString(dict, key string) (string, bool) {
	i := strings.Index(dict, "/"+key)
	if i < 0 {
		return "", false
	}
	rest := strings.TrimLeft(dict[i+len(key)+1:], " ")
	toks := lex([]byte(rest))
	if len(toks) == 0 || toks[0].kind != 's' {
		return "", false
	}
	return textString(toks[0].text), true
}

// textString decodes a PDF text string: UTF-16BE after a BOM, else bytes.
func textString(s string) string {
	if strings.HasPrefix(s, "\xfe\xff") {
		return utf16String([]byte(s[2:]))
	}
	return s
}

// pageStreams returns each page's content stream, uncompressed, from a
// qpdf --qdf rewrite of the file (which marks each with "%% Contents for
// page N").
func pageStreams(t *testing.T, pdfPath string) [][]byte {
	t.Helper()
	plain := filepath.Join(t.TempDir(), "qdf.pdf")
	tool(t, "qpdf", "--qdf", "--object-streams=disable", pdfPath, plain)
	data, err := os.ReadFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, part := range bytes.Split(data, []byte("%% Contents for page "))[1:] {
		s := bytes.Index(part, []byte("stream\n"))
		e := bytes.Index(part, []byte("\nendstream"))
		if s < 0 || e < s {
			t.Fatal("qdf: a page's content stream is not where qpdf puts it")
		}
		out = append(out, part[s+len("stream\n"):e])
	}
	return out
}

// readText reads a page's text as the operators show it, in stream order:
// the strings of Tj and TJ (UTF-16, as Folio's fonts are encoded), with
// a marked-content span's /ActualText in place of what it shows, and a
// line break where a text object starts on another baseline. Nothing else
// is inferred from positions: a space is there only when the PDF draws one.
func readText(stream []byte) string {
	var sb strings.Builder
	type span struct {
		actual string
		has    bool
	}
	var stack []span
	lastY := ""
	hidden := func() bool {
		for _, s := range stack {
			if s.has {
				return true
			}
		}
		return false
	}
	toks := lex(stream)
	for i, tk := range toks {
		if tk.kind != 'o' {
			continue
		}
		switch tk.text {
		case "BDC":
			a, ok := "", false
			if i > 0 && toks[i-1].kind == 'D' {
				a, ok = dictString(toks[i-1].text, "ActualText")
			}
			if ok && !hidden() {
				sb.WriteString(a)
			}
			stack = append(stack, span{a, ok})
		case "BMC":
			stack = append(stack, span{})
		case "EMC":
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case "Tj", "TJ":
			if hidden() {
				continue
			}
			for k := i - 1; k >= 0 && toks[k].kind != 'o'; k-- {
				if toks[k].kind == 'A' {
					for _, s := range toks[k:i] {
						if s.kind == 's' {
							sb.WriteString(utf16String([]byte(s.text)))
						}
					}
					break
				}
				if tk.text == "Tj" && toks[k].kind == 's' {
					sb.WriteString(utf16String([]byte(toks[k].text)))
					break
				}
			}
		case "Tm":
			// A text object placed on another baseline starts a new line.
			if i >= 1 && toks[i-1].kind == 'd' && toks[i-1].text != lastY {
				if lastY != "" {
					sb.WriteByte('\n')
				}
				lastY = toks[i-1].text
			}
		}
	}
	return unligate(sb.String())
}

// layerText is every page's readText, one after the other.
func layerText(t *testing.T, pdfPath string) string {
	var sb strings.Builder
	for _, s := range pageStreams(t, pdfPath) {
		sb.WriteString(readText(s))
		sb.WriteByte('\n')
	}
	return sb.String()
}
