package newsletter

import (
	htmltemplate "html/template"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// textWidth is the column the plain-text part is wrapped at.
const textWidth = 72

// commonFuncs are available to every template.
func commonFuncs() map[string]any {
	return map[string]any{
		"list":   joinList,
		"upper":  strings.ToUpper,
		"plural": plural,
	}
}

// htmlFuncs add the pieces html/template would otherwise strip or escape:
// Outlook's conditional comments and the preheader's filler.
func htmlFuncs() htmltemplate.FuncMap {
	f := htmltemplate.FuncMap(commonFuncs())
	f["outlookHead"] = func() htmltemplate.HTML {
		return `<!--[if mso]><noscript><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml></noscript><![endif]-->`
	}
	f["outlookOpen"] = func(width int) htmltemplate.HTML {
		return htmltemplate.HTML(`<!--[if mso]><table role="presentation" align="center" width="` +
			strconv.Itoa(width) + `" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->`)
	}
	f["outlookClose"] = func() htmltemplate.HTML {
		return `<!--[if mso]></td></tr></table><![endif]-->`
	}
	f["preheaderFill"] = func() htmltemplate.HTML {
		// Zero-width joiners and non-breaking spaces keep mail clients
		// from pulling body text into the inbox preview after the preheader.
		return htmltemplate.HTML(strings.Repeat("&#847;&zwnj;&nbsp;", 40))
	}
	return f
}

// textFuncs add line wrapping and rules for the plain text.
func textFuncs() map[string]any {
	f := commonFuncs()
	f["wrap"] = func(s string) string { return Wrap(s, textWidth) }
	f["rule"] = func() string { return strings.Repeat("-", textWidth) }
	return f
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// joinList joins names for reading: "Film", "Film and Music",
// "Film, Music and Books".
func joinList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// Wrap breaks text into lines of at most width characters at spaces,
// keeping existing line breaks; a word longer than width (a URL) gets a
// line of its own.
func Wrap(s string, width int) string {
	var out strings.Builder
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			out.WriteByte('\n')
		}
		col := 0
		for _, w := range strings.Fields(line) {
			n := utf8.RuneCountInString(w)
			if col > 0 && col+1+n > width {
				out.WriteByte('\n')
				col = 0
			} else if col > 0 {
				out.WriteByte(' ')
				col++
			}
			out.WriteString(w)
			col += n
		}
	}
	return out.String()
}

// capitalise upper-cases the first letter: "patron" → "Patron".
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
