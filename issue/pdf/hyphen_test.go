package pdf

import (
	"testing"

	"github.com/foliopress/folio/assets"
)

func newTestHyphenator(t testing.TB) *hyphenator {
	t.Helper()
	data, err := assets.HyphenationEnUS()
	if err != nil {
		t.Fatal(err)
	}
	h, err := newHyphenator(data)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHyphenate(t *testing.T) {
	h := newTestHyphenator(t)
	tests := []struct{ word, want string }{
		{"hyphenation", "hy-phen-ation"},
		{"computer", "com-puter"}, // three letters kept after the last break,
		{"cinematography", "cin-e-matog-ra-phy"},
		{"performance", "per-for-mance"},
		{"table", "table"},         // under six letters
		{"Almodóvar", "Almodóvar"}, // a proper name
		{"don’t", "don’t"},         // not all letters
		{"screenplay", "screen-play"},
	}
	for _, tt := range tests {
		if got := h.hyphenate(tt.word); got != tt.want {
			t.Errorf("hyphenate(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestHyphenatorRejectsBadData(t *testing.T) {
	for _, data := range []string{"", "ISO8859-1\nab1c\n", "UTF-8\n", "UTF-8\nLEFTHYPHENMIN x\n"} {
		if _, err := newHyphenator([]byte(data)); err == nil {
			t.Errorf("newHyphenator(%q): no error", data)
		}
	}
}
