package pdf

import (
	"math"
	"strings"
	"testing"

	"github.com/foliopress/folio/issue"
)

func newTestFonts(t testing.TB) *fontSet {
	t.Helper()
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func lineText(ln textLine) string {
	var sb strings.Builder
	end := -1.0
	for _, f := range ln.frags {
		if end >= 0 && f.x > end+0.01 {
			sb.WriteByte(' ')
		}
		sb.WriteString(f.text)
		end = f.x + f.w
	}
	return unligate(sb.String())
}

const sampleText = "The film opens on a long, patient shot of a harbour at dawn, and for a while nothing happens except weather. Then a ferry arrives, carrying a retired cartographer who has come back to the island to settle an inheritance nobody else wants. What follows is less a mystery than an inventory: of rooms, of debts, of the particular silences that accumulate in families. The performances are uniformly understated, the photography is extraordinary, and the screenplay trusts its audience to notice things."

func TestBreakLinesJustifies(t *testing.T) {
	fs := newTestFonts(t)
	hy := newTestHyphenator(t)
	st := paraStyle{face: Serif, size: 10, justify: true, hyphenate: true}
	const width = 200.0 // Gentium sets about 12% wider than Times at one size
	items := fs.paragraph(hy, []issue.Inline{{Text: sampleText}}, st, width)
	lines, emergency := fs.setParagraph(hy, items, st.size, func(int) float64 { return width })
	if emergency {
		t.Error("ordinary prose needed the emergency pass")
	}
	var words []string
	for i, ln := range lines {
		if !ln.last && math.Abs(ln.width-width) > 0.01 {
			t.Errorf("line %d %q is %.2fpt wide, want %.0f", i, lineText(ln), ln.width, width)
		}
		if ln.ratio > 1.6 || ln.ratio < -1 { // within the second pass's tolerance
			t.Errorf("line %d %q has ratio %.2f", i, lineText(ln), ln.ratio)
		}
		txt := lineText(ln)
		if ln.hyphen {
			txt = strings.TrimSuffix(txt, "-") + "\x00"
		}
		words = append(words, txt)
	}
	got := strings.ReplaceAll(strings.Join(words, " "), "\x00 ", "")
	if got != sampleText {
		t.Errorf("lines rejoin to\n%s\nwant\n%s", got, sampleText)
	}
}

func TestBreakLinesLongWordNeverOverflows(t *testing.T) {
	fs := newTestFonts(t)
	hy := newTestHyphenator(t)
	st := paraStyle{face: Serif, size: 10, justify: true, hyphenate: true}
	const width = 60.0
	long := "https://example.org/" + strings.Repeat("averyveryverylongpath", 4)
	items := fs.paragraph(hy, []issue.Inline{{Text: "See " + long + " now."}}, st, width)
	lines, _ := fs.setParagraph(hy, items, st.size, func(int) float64 { return width })
	for i, ln := range lines {
		if ln.width > width+0.01 {
			t.Errorf("line %d %q is %.2fpt wide, over %.0f", i, lineText(ln), ln.width, width)
		}
	}
}
