package assets

import (
	"bytes"
	"io/fs"
	"testing"
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
	entries, err := fs.ReadDir(FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == Licenses {
			continue
		}
		if !bytes.Contains(lic, []byte("`"+e.Name()+"`")) {
			t.Errorf("%s does not list %s", Licenses, e.Name())
		}
	}
}
