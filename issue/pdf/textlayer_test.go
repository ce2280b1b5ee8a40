package pdf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// showText is a naive reading of a PDF's text layer, as the simplest
// extractors do it: the strings its text operators show, decoded from
// UTF-16, with nothing inferred from glyph positions. A space is there
// only when the PDF draws a space character.
func showText(t *testing.T, pdfPath string) string {
	t.Helper()
	plain := filepath.Join(t.TempDir(), "qdf.pdf")
	tool(t, "qpdf", "--qdf", "--object-streams=disable", pdfPath, plain)
	data, err := os.ReadFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	inText := false
	for i := 0; i < len(data); i++ {
		switch {
		case !inText && strings.HasPrefix(string(data[i:min(i+3, len(data))]), "BT") && (i == 0 || data[i-1] == ' ' || data[i-1] == '\n'):
			inText = true
		case inText && data[i] == 'E' && i+1 < len(data) && data[i+1] == 'T':
			inText = false
			out.WriteByte('\n')
		case inText && data[i] == '<' && data[i+1] != '<':
			j := i + 1
			for j < len(data) && data[j] != '>' {
				j++
			}
			var raw []byte
			for k := i + 1; k+1 < j; k += 2 {
				raw = append(raw, unhex(data[k])<<4|unhex(data[k+1]))
			}
			i = j
			out.WriteString(utf16String(raw))
		case inText && data[i] == '(':
			var raw []byte
			depth := 1
			for i++; i < len(data) && depth > 0; i++ {
				c := data[i]
				switch {
				case c == '\\' && i+1 < len(data):
					i++
					switch data[i] {
					case 'r':
						raw = append(raw, '\r')
					case 'n':
						raw = append(raw, '\n')
					default:
						raw = append(raw, data[i])
					}
				case c == '(':
					depth++
					raw = append(raw, c)
				case c == ')':
					depth--
					if depth > 0 {
						raw = append(raw, c)
					}
				default:
					raw = append(raw, c)
				}
			}
			i--
			out.WriteString(utf16String(raw))
		}
	}
	return out.String()
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

func utf16String(raw []byte) string {
	u := make([]uint16, len(raw)/2)
	for k := range u {
		u[k] = uint16(raw[2*k])<<8 | uint16(raw[2*k+1])
	}
	return string(utf16.Decode(u))
}

// TestTextLayerHasSpaces checks words are separated by real space
// characters and ligatures and kerning leave the words whole: a reader
// that only concatenates what is shown gets "The Salt Orchard", not
// "TheSalt Orchard".
func TestTextLayerHasSpaces(t *testing.T) {
	b := buildIssue(t, Options{})
	text := unligate(showText(t, b.path))
	for _, want := range []string{
		"says the old cartographer in the first scene of",
		"Zoë Ångström plays the daughter with a stillness",
		"Inès Moreau’s quiet island drama maps a family by its silences",
		"page 3 of",
	} {
		if !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
			t.Errorf("the text layer lacks %q", want)
		}
	}
	if strings.Contains(showText(t, b.path), "fi") && !strings.ContainsAny(showText(t, b.path), "ﬁﬂ") {
		t.Error("no ligature is drawn")
	}
}
