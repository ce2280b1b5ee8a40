package assets

import (
	"embed"
	"fmt"
	"io/fs"
)

// files holds every embedded asset; it is read-only, so sharing it is safe.
//
//go:embed hyph_en_US.dic hyph_en_US.COPYRIGHT LICENSES.md fonts
var files embed.FS

// Names of the embedded files.
const (
	HyphenEnUS          = "hyph_en_US.dic"
	HyphenEnUSCopyright = "hyph_en_US.COPYRIGHT"
	Licenses            = "LICENSES.md"
)

// The embedded fonts, under fonts/: Gentium Book Plus, the text face,
// and Droid Sans Fallback for Chinese, Japanese and Korean.
const (
	GentiumRegular    = "fonts/GentiumBookPlus-Regular.ttf"
	GentiumItalic     = "fonts/GentiumBookPlus-Italic.ttf"
	GentiumBold       = "fonts/GentiumBookPlus-Bold.ttf"
	GentiumBoldItalic = "fonts/GentiumBookPlus-BoldItalic.ttf"
	DroidSansFallback = "fonts/DroidSansFallback.ttf"
)

// FS returns the embedded assets as a read-only file system.
func FS() fs.FS { return files }

// HyphenationEnUS returns the US English hyphenation patterns in the
// hunspell/libhyphen .dic format: a charset line, optional LEFTHYPHENMIN and
// RIGHTHYPHENMIN lines, then one Liang pattern a line.
func HyphenationEnUS() ([]byte, error) {
	b, err := files.ReadFile(HyphenEnUS)
	if err != nil {
		return nil, fmt.Errorf("assets: read %s: %w", HyphenEnUS, err)
	}
	return b, nil
}

// Font returns an embedded font file by its name (GentiumRegular, …). The
// bytes are the embedded data itself: callers must not change them.
func Font(name string) ([]byte, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("assets: read font %s: %w", name, err)
	}
	return b, nil
}
