package pdf

import (
	"math"
	"strings"
	"testing"
)

// TestDrawnWidthsMatchLayout checks every text item of a layout is as
// wide, drawn with its font's kerning and its spaces' justification, as
// the layout measured it: otherwise justified lines would miss the column
// edge and words would collide or drift apart.
func TestDrawnWidthsMatchLayout(t *testing.T) {
	doc, err := Layout(testIssue(t, t.TempDir()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	fs := doc.fonts
	n := 0
	for _, p := range doc.Pages {
		for _, it := range p.Items {
			if it.Kind != KText || it.W == 0 || it.Invisible {
				continue
			}
			// A trailing space sits in the gap to the next word, outside
			// the item's width.
			text := strings.TrimSuffix(it.Text, " ")
			drawn := fs.width(it.Face, text, it.Size) + float64(strings.Count(text, " "))*it.WS
			whole := fs.width(it.Face, it.Text, it.Size) + float64(strings.Count(it.Text, " "))*it.WS
			if math.Abs(drawn-it.W) > 0.01 && math.Abs(whole-it.W) > 0.01 {
				t.Errorf("page %d: %q is drawn %.3f pt wide, laid out %.3f", p.Number, it.Text, drawn, it.W)
			}
			n++
		}
	}
	if n < 200 {
		t.Errorf("only %d text items checked", n)
	}
}
