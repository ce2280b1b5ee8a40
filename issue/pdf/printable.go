package pdf

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/runenames"
)

// printable rewrites s so every character prints: a character no face has
// (an emoji, a script Folio carries no font for) becomes its Unicode name
// in brackets, "😀" → "[grinning face]", so nothing silently vanishes or
// prints as an empty box; the invisible parts of emoji sequences (joiners,
// variation selectors, skin tones, tags) are dropped. Text that needs no
// change is returned as it is.
func (fs *fontSet) printable(s string) string {
	ok := true
	for _, r := range s {
		if !fs.prints(r) || emojiPart(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var sb strings.Builder
	for _, r := range s {
		switch {
		case emojiPart(r):
		case fs.prints(r):
			sb.WriteRune(r)
		default:
			sb.WriteString(spelledOut(r))
		}
	}
	return sb.String()
}

// prints reports whether r is drawn as it is: a space, a control (which
// paragraphs skip) or a character some face has.
func (fs *fontSet) prints(r rune) bool {
	return r == ' ' || r == '\n' || r == '\t' || r == '\r' || (r < 0x10000 && unicode.IsControl(r)) || r == '\u00ad' || fs.covered(r)
}

// emojiPart reports whether r only joins or modifies the characters
// around it in an emoji sequence; without colour emoji it has nothing to
// do, and it would only get in the way of the text a reader copies.
func emojiPart(r rune) bool {
	switch {
	case r == 0x200D, r == 0x20E3: // zero-width joiner, combining keycap
		return true
	case r >= 0xFE00 && r <= 0xFE0F: // variation selectors
		return true
	case r >= 0x1F3FB && r <= 0x1F3FF: // skin tones
		return true
	case r >= 0xE0000 && r <= 0xE007F: // tags
		return true
	}
	return false
}

// spelledOut is r's Unicode name in lower case, in brackets: "[grinning
// face]", or its code point when Unicode names it not.
func spelledOut(r rune) string {
	name := runenames.Name(r)
	if name == "" || strings.HasPrefix(name, "<") {
		return fmt.Sprintf("[U+%04X]", r)
	}
	return "[" + strings.ToLower(name) + "]"
}
