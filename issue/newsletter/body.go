package newsletter

import (
	"errors"
	"fmt"
	"html"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/microcosm-cc/bluemonday"

	"github.com/foliopress/folio/issue"
)

// ErrBadURL is returned for a link whose scheme Folio will not emit.
var ErrBadURL = errors.New("newsletter: URL not allowed")

// checkURL accepts absolute http and https URLs, and mailto when
// allowMailto, and returns the URL in canonical form.
func checkURL(raw string, allowMailto bool) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("%w: %q: %v", ErrBadURL, raw, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return "", fmt.Errorf("%w: %q has no host", ErrBadURL, raw)
		}
	case "mailto":
		if !allowMailto {
			return "", fmt.Errorf("%w: %q", ErrBadURL, raw)
		}
	default:
		return "", fmt.Errorf("%w: %q (want http, https or mailto)", ErrBadURL, raw)
	}
	return asciiURL(u.String()), nil
}

// asciiURL percent-encodes the bytes a URL must not carry raw (non-ASCII,
// spaces, controls), so it survives plain text and every mail client.
func asciiURL(s string) string {
	const hex = "0123456789ABCDEF"
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c > 0x20 && c < 0x7f {
			if b != nil {
				b = append(b, c)
			}
			continue
		}
		if b == nil {
			b = append(make([]byte, 0, len(s)+16), s[:i]...)
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	if b == nil {
		return s
	}
	return string(b)
}

// bodyPolicy is the bluemonday policy every rendered review body passes
// through: exactly the elements the body renderer writes, links limited
// to http, https and mailto.
func bodyPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "h3", "blockquote", "ul", "ol", "li", "hr", "br", "em", "strong", "code", "s")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.RequireNoReferrerOnLinks(true)
	return p
}

// BodyHTML renders review body blocks as HTML, escaping all text and
// dropping links that are not http, https or mailto. The result still
// goes through the sanitizer before it reaches a page.
func BodyHTML(blocks []issue.Block) string {
	w := bodyWriter{void: ">"}
	w.blocks(blocks)
	return w.sb.String()
}

// BodyXHTML is BodyHTML with void elements closed (<br/>, <hr/>), as an
// EPUB's XHTML needs them.
func BodyXHTML(blocks []issue.Block) string {
	w := bodyWriter{void: "/>"}
	w.blocks(blocks)
	return w.sb.String()
}

// bodyWriter writes body blocks; void ends the void elements: ">" for
// HTML, "/>" for XHTML.
type bodyWriter struct {
	sb   strings.Builder
	void string
}

func (w *bodyWriter) blocks(blocks []issue.Block) {
	sb := &w.sb
	for _, b := range blocks {
		switch b.Kind {
		case issue.Paragraph:
			sb.WriteString("<p>")
			w.inlines(b.Inlines)
			sb.WriteString("</p>\n")
		case issue.Heading:
			sb.WriteString("<h3>")
			w.inlines(b.Inlines)
			sb.WriteString("</h3>\n")
		case issue.Quote:
			sb.WriteString("<blockquote>\n")
			w.blocks(b.Children)
			sb.WriteString("</blockquote>\n")
		case issue.List:
			switch {
			case b.Ordered && b.Start > 1:
				sb.WriteString(`<ol start="` + strconv.Itoa(b.Start) + `">` + "\n")
			case b.Ordered:
				sb.WriteString("<ol>\n")
			default:
				sb.WriteString("<ul>\n")
			}
			w.blocks(b.Children)
			if b.Ordered {
				sb.WriteString("</ol>\n")
			} else {
				sb.WriteString("</ul>\n")
			}
		case issue.ListItem:
			sb.WriteString("<li>")
			w.item(b.Children)
			sb.WriteString("</li>\n")
		case issue.Rule:
			sb.WriteString("<hr" + w.void + "\n")
		}
	}
}

// item writes a list item; a lone paragraph is written bare so tight
// lists stay tight.
func (w *bodyWriter) item(children []issue.Block) {
	if len(children) == 1 && children[0].Kind == issue.Paragraph {
		w.inlines(children[0].Inlines)
		return
	}
	w.blocks(children)
}

func (w *bodyWriter) inlines(ins []issue.Inline) {
	sb := &w.sb
	for _, in := range ins {
		var open, close string
		if in.URL != "" {
			if u, err := checkURL(in.URL, true); err == nil {
				open, close = `<a href="`+html.EscapeString(u)+`">`, "</a>"
			}
		}
		if in.Style&issue.Bold != 0 {
			open, close = open+"<strong>", "</strong>"+close
		}
		if in.Style&issue.Italic != 0 {
			open, close = open+"<em>", "</em>"+close
		}
		if in.Style&issue.Code != 0 {
			open, close = open+"<code>", "</code>"+close
		}
		if in.Style&issue.Strike != 0 {
			open, close = open+"<s>", "</s>"+close
		}
		sb.WriteString(open)
		sb.WriteString(html.EscapeString(in.Text))
		sb.WriteString(close)
		if in.Break {
			sb.WriteString("<br" + w.void)
		}
	}
}

// sanitizeBody renders and sanitizes a body for a page.
func sanitizeBody(p *bluemonday.Policy, blocks []issue.Block) template.HTML {
	return template.HTML(p.Sanitize(BodyHTML(blocks)))
}
