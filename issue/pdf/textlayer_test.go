package pdf

import (
	"strings"
	"testing"
	"unicode/utf16"
)

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
	text := layerText(t, b.path)
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
	drawn := ""
	for _, s := range pageStreams(t, b.path) {
		drawn += string(s)
	}
	if !strings.Contains(drawn, "fb01") { // qpdf writes strings in hex

		t.Error("no fi ligature is drawn")
	}
}
