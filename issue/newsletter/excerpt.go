package newsletter

import (
	"html"
	"html/template"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/foliopress/folio/issue"
)

// excerpt is the opening of a body with each character's style, so the
// email can show struck-through words struck through: a strike carries
// meaning ("which is never rarely off" says the opposite of what was
// written).
type excerpt struct {
	text   []rune
	styles []issue.Style
}

// excerptOf takes the opening of a body, about max characters long:
// whole paragraphs while they fit, then cut at a word with "…". Headings
// are skipped; a very short first paragraph is joined by the next. White
// space collapses to single spaces.
func excerptOf(blocks []issue.Block, max int) excerpt {
	var ex excerpt
	for _, b := range blocks {
		if b.Kind != issue.Paragraph {
			continue
		}
		p := paragraphRunes(b.Inlines)
		if len(p.text) == 0 {
			continue
		}
		if len(ex.text) > 0 && len(ex.text)+1+len(p.text) > max {
			break
		}
		if len(ex.text) > 0 {
			ex.add(' ', ex.styles[len(ex.styles)-1]&^issue.Strike)
		}
		ex.text = append(ex.text, p.text...)
		ex.styles = append(ex.styles, p.styles...)
		if len(ex.text)+1 >= max/2 {
			break
		}
	}
	return ex.truncate(max)
}

func (ex *excerpt) add(r rune, s issue.Style) {
	ex.text = append(ex.text, r)
	ex.styles = append(ex.styles, s)
}

// paragraphRunes flattens inline runs, collapsing white space.
func paragraphRunes(ins []issue.Inline) excerpt {
	var p excerpt
	space := false
	for _, in := range ins {
		for _, r := range in.Text + map[bool]string{true: " "}[in.Break] {
			if unicode.IsSpace(r) {
				space = len(p.text) > 0
				continue
			}
			if space {
				p.add(' ', in.Style&p.styles[len(p.styles)-1])
				space = false
			}
			p.add(r, in.Style)
		}
	}
	return p
}

// truncate cuts the excerpt to at most max characters at a word
// boundary, ending it with an ellipsis when anything was cut.
func (ex excerpt) truncate(max int) excerpt {
	if len(ex.text) <= max {
		return ex
	}
	cut := max
	for i := max - 1; i > max/2; i-- {
		if ex.text[i] == ' ' {
			cut = i
			break
		}
	}
	for cut > 0 && strings.ContainsRune(" ,;:—–-", ex.text[cut-1]) {
		cut--
	}
	out := excerpt{text: append([]rune(nil), ex.text[:cut]...), styles: append([]issue.Style(nil), ex.styles[:cut]...)}
	out.add('…', 0)
	return out
}

// plain is the excerpt's text without styles.
func (ex excerpt) plain() string { return string(ex.text) }

// markedText is the excerpt for the plain-text part: struck-through words
// between "~~", as a writer would type them.
func (ex excerpt) markedText() string {
	var sb strings.Builder
	ex.runs(issue.Strike, func(s issue.Style, t string) {
		if s&issue.Strike != 0 {
			sb.WriteString("~~" + t + "~~")
			return
		}
		sb.WriteString(t)
	})
	return sb.String()
}

// html is the excerpt as HTML: escaped text, struck-through words in <s>,
// emphasis in <em> and <strong>.
func (ex excerpt) html() template.HTML {
	var sb strings.Builder
	ex.runs(issue.Bold|issue.Italic|issue.Strike, func(s issue.Style, t string) {
		var open, close string
		if s&issue.Bold != 0 {
			open, close = open+"<strong>", "</strong>"+close
		}
		if s&issue.Italic != 0 {
			open, close = open+"<em>", "</em>"+close
		}
		if s&issue.Strike != 0 {
			open, close = open+"<s>", "</s>"+close
		}
		sb.WriteString(open + html.EscapeString(t) + close)
	})
	return template.HTML(sb.String())
}

// runs calls fn with each stretch of text whose styles agree on the bits
// of mask.
func (ex excerpt) runs(mask issue.Style, fn func(issue.Style, string)) {
	start := 0
	style := func(i int) issue.Style { return ex.styles[i] & mask }
	for i := 1; i <= len(ex.text); i++ {
		if i == len(ex.text) || style(i) != style(start) {
			fn(style(start), string(ex.text[start:i]))
			start = i
		}
	}
}

// Excerpt is the opening of a body as plain text, about max characters
// long: whole paragraphs while they fit, then cut at a word with "…".
// Headings are skipped; a very short first paragraph is joined by the next.
func Excerpt(blocks []issue.Block, max int) string {
	return excerptOf(blocks, max).plain()
}

// truncate cuts s to at most max characters at a word boundary, ending it
// with an ellipsis when anything was cut.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	ex := excerpt{text: []rune(s), styles: make([]issue.Style, utf8.RuneCountInString(s))}
	return ex.truncate(max).plain()
}
