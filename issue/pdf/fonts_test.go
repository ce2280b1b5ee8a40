package pdf

import (
	"errors"
	"testing"
)

func TestParseFontRejectsBadData(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("not a font"), make([]byte, 1024)} {
		_, err := parseFont(faceSpec{name: "Broken Sans", ttf: data}, Sans)
		if !errors.Is(err, ErrBadFont) {
			t.Errorf("parseFont(%d bytes) = %v, want ErrBadFont", len(data), err)
		}
	}
}

func TestRunsSplitByCoverage(t *testing.T) {
	fs := newTestFonts(t)
	got := fs.runs(Serif, "Almodóvar ★★★½☆ “great”")
	want := []run{{Serif, "Almodóvar "}, {Symbol, "★★★"}, {Serif, "½"}, {Symbol, "☆ "}, {Serif, "“great”"}}
	if len(got) != len(want) {
		t.Fatalf("runs = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("run %d = %q, want %q", i, got[i], want[i])
		}
	}
}
