// Package assets embeds the data files Folio ships inside its binary: the
// hyphenation patterns the PDF typesetter breaks words with, the text face
// (Gentium Book Plus) and the CJK fallback face (Droid Sans Fallback), both
// from Debian packages, and the licence notices for them and for the fonts
// that come from the Go font modules github.com/go-fonts/liberation and
// github.com/go-fonts/dejavu. LICENSES.md records every file's origin and
// licence.
package assets
