package assets

import (
	"bytes"
	"io/fs"
	"testing"

	"golang.org/x/image/font/sfnt"
)

func TestHyphenationEnUS(t *testing.T) {
	b, err := HyphenationEnUS()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("UTF-8\n")) {
		t.Errorf("patterns start %q, want the UTF-8 charset line", b[:min(len(b), 20)])
	}
	if n := bytes.Count(b, []byte("\n")); n < 1000 {
		t.Errorf("patterns have %d lines, want thousands", n)
	}
}

func TestEveryFileHasItsLicenceListed(t *testing.T) {
	lic, err := fs.ReadFile(FS(), Licenses)
	if err != nil {
		t.Fatal(err)
	}
	err = fs.WalkDir(FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path == Licenses {
			return err
		}
		if !bytes.Contains(lic, []byte("`"+path+"`")) {
			t.Errorf("%s does not list %s", Licenses, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range Fonts() {
		if !bytes.Contains(lic, []byte("`"+name+"`")) {
			t.Errorf("%s does not list %s", Licenses, name)
		}
	}
}

// TestFontsParse reads every embedded font with an independent parser and
// checks it has the glyphs Folio relies on it for.
func TestFontsParse(t *testing.T) {
	tests := []struct {
		name  string
		runes string
	}{
		{GentiumRegular, "Almodóvar’s “Tango” — ½ ﬁ ﬂ ﬀ ﬃ ﬄ"},
		{GentiumItalic, "Almodóvar’s “Tango” — ﬁ ﬂ"},
		{GentiumBold, "Almodóvar’s “Tango” — ﬁ ﬂ"},
		{GentiumBoldItalic, "Almodóvar’s “Tango” — ﬁ ﬂ"},
		{DroidSansFallback, "映画館の夜 한국어"},
	}
	for _, tc := range tests {
		data, err := Font(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := sfnt.Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var b sfnt.Buffer
		for _, r := range tc.runes {
			if r == ' ' {
				continue
			}
			if g, err := f.GlyphIndex(&b, r); err != nil || g == 0 {
				t.Errorf("%s has no glyph for %q", tc.name, r)
			}
		}
	}
	if _, err := Font("fonts/none.ttf"); err == nil {
		t.Error("Font of a missing file succeeded")
	}
}
