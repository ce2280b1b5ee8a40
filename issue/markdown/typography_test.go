package markdown

import (
	"testing"

	"github.com/foliopress/folio/issue"
)

func TestSmartText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Almodóvar's", "Almodóvar’s"},
		{`She said "yes" -- twice`, "She said “yes” – twice"},
		{"a pause --- then...", "a pause — then…"},
		{"'Tango' and 'the '90s'", "‘Tango’ and ‘the ’90s’"},
		{`("quoted")`, "(“quoted”)"},
		{"rock 'n' roll", "rock ‘n’ roll"},
		{"already “curly” ’tis", "already “curly” ’tis"},
		{"no marks at all", "no marks at all"},
		{"well-made", "well-made"},
	}
	for _, tc := range tests {
		if got := smartText(tc.in); got != tc.want {
			t.Errorf("smartText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBodyTypographyAndStrike(t *testing.T) {
	p := newBodyParser()
	blocks := p.Parse([]byte("It's Almodóvar's \"best\" film -- which is ~~never~~ rarely off... `don't \"touch\"`\n"))
	if len(blocks) != 1 {
		t.Fatalf("blocks = %+v", blocks)
	}
	var text string
	var struck []string
	for _, in := range blocks[0].Inlines {
		text += in.Text
		if in.Style&issue.Strike != 0 {
			struck = append(struck, in.Text)
		}
		if in.Style&issue.Code != 0 && in.Text != `don't "touch"` {
			t.Errorf("code span changed: %q", in.Text)
		}
	}
	want := "It’s Almodóvar’s “best” film – which is never rarely off… don't \"touch\""
	if text != want {
		t.Errorf("text = %q\nwant   %q", text, want)
	}
	if len(struck) != 1 || struck[0] != "never" {
		t.Errorf("struck runs = %q, want [never]", struck)
	}
}

func FuzzSmartText(f *testing.F) {
	for _, s := range []string{"it's", `"a"`, "--- ...", "'9", "\xff'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := smartText(s)
		// Only the marks change: no letter appears or vanishes.
		if letters(out) != letters(s) {
			t.Fatalf("%q → %q changed its letters", s, out)
		}
	})
}

func letters(s string) string {
	var b []rune
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b = append(b, r)
		}
	}
	return string(b)
}
