package assets

import (
	"embed"
	_ "embed" // the fonts' strings
	"fmt"
	"io/fs"
	"unsafe"
)

// files holds every embedded asset but the fonts' files; it is
// read-only, so sharing it is safe.
//
//go:embed hyph_en_US.dic hyph_en_US.COPYRIGHT LICENSES.md fonts/*.txt fonts/*.COPYRIGHT
var files embed.FS

// The fonts' files are strings, which Font hands out without a copy: a
// build's fonts were megabytes copied before any text was set.
var (
	//go:embed fonts/GentiumBookPlus-Regular.ttf
	gentiumRegular string
	//go:embed fonts/GentiumBookPlus-Italic.ttf
	gentiumItalic string
	//go:embed fonts/GentiumBookPlus-Bold.ttf
	gentiumBold string
	//go:embed fonts/GentiumBookPlus-BoldItalic.ttf
	gentiumBoldItalic string
	//go:embed fonts/DroidSansFallback.ttf
	droidSansFallback string
)

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

// Fonts lists the embedded fonts' names.
func Fonts() []string {
	return []string{GentiumRegular, GentiumItalic, GentiumBold, GentiumBoldItalic, DroidSansFallback}
}

// Font returns an embedded font file by its name (GentiumRegular, …). The
// bytes are the embedded data itself, in read-only memory: changing them
// faults.
func Font(name string) ([]byte, error) {
	var s string
	switch name {
	case GentiumRegular:
		s = gentiumRegular
	case GentiumItalic:
		s = gentiumItalic
	case GentiumBold:
		s = gentiumBold
	case GentiumBoldItalic:
		s = gentiumBoldItalic
	case DroidSansFallback:
		s = droidSansFallback
	default:
		return nil, fmt.Errorf("assets: read font %s: %w", name, fs.ErrNotExist)
	}
	return unsafe.Slice(unsafe.StringData(s), len(s)), nil
}
