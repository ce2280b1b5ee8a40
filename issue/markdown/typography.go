package markdown

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// smartText gives front matter text the typography the body gets from
// goldmark's typographer: straight quotes curl by position, an apostrophe
// inside or after a word is ’, "--" and "---" become – and —, "..." an
// ellipsis. Text with none of these characters is returned as it is.
func smartText(s string) string {
	if !strings.ContainsAny(s, `'"-.`) {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s) + 8)
	prev := rune(0) // the rune before the current one, as written out
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		rest := s[i+n:]
		switch {
		case strings.HasPrefix(s[i:], "---"):
			r, n = '—', 3
		case strings.HasPrefix(s[i:], "--"):
			r, n = '–', 2
		case strings.HasPrefix(s[i:], "..."):
			r, n = '…', 3
		case r == '\'':
			r = singleQuote(prev, rest)
		case r == '"':
			if opens(prev) {
				r = '“'
			} else {
				r = '”'
			}
		}
		sb.WriteRune(r)
		prev = r
		i += n
	}
	return sb.String()
}

// opens reports whether a quote after prev opens a quotation: at the start,
// after a space, or after opening punctuation or a dash.
func opens(prev rune) bool {
	return prev == 0 || unicode.IsSpace(prev) || strings.ContainsRune("([{‘“—–-/", prev)
}

// singleQuote curls ' by its neighbours: an apostrophe inside a word
// (Almodóvar's) or before a year ('90s) is ’, as is one that closes; one
// that opens a quotation is ‘.
func singleQuote(prev rune, rest string) rune {
	next, _ := utf8.DecodeRuneInString(rest)
	switch {
	case unicode.IsLetter(prev) || unicode.IsDigit(prev):
		return '’'
	case opens(prev) && len(rest) >= 2 && unicode.IsDigit(next) && unicode.IsDigit(rune(rest[1])):
		return '’' // '90s
	case opens(prev):
		return '‘'
	}
	return '’'
}
