package markdown

import (
	"bytes"
	"html"
	"net/url"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"

	"github.com/foliopress/folio/issue"
)

// bodyParser turns Markdown into issue.Block values. It holds a goldmark
// parser configured once; it is safe for concurrent use.
type bodyParser struct {
	md    goldmark.Markdown
	strip *bluemonday.Policy
}

func newBodyParser() *bodyParser {
	return &bodyParser{
		md:    goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Strikethrough, typographer())),
		strip: bluemonday.StrictPolicy(),
	}
}

// typographer curls quotes and apostrophes and turns "--", "---" and
// "..." into dashes and an ellipsis, as characters rather than the HTML
// entities goldmark writes by default (bodies become issue.Inline text,
// never HTML). "<<" and ">>" stay as written.
func typographer() goldmark.Extender {
	return extension.NewTypographer(extension.WithTypographicSubstitutions(map[extension.TypographicPunctuation]string{
		extension.LeftSingleQuote:  "‘",
		extension.RightSingleQuote: "’",
		extension.LeftDoubleQuote:  "“",
		extension.RightDoubleQuote: "”",
		extension.EnDash:           "–",
		extension.EmDash:           "—",
		extension.Ellipsis:         "…",
		extension.LeftAngleQuote:   "<<",
		extension.RightAngleQuote:  ">>",
		extension.Apostrophe:       "’",
	}))
}

// Parse converts a Markdown body to blocks.
func (p *bodyParser) Parse(src []byte) []issue.Block {
	doc := p.md.Parser().Parse(text.NewReader(src))
	c := converter{src: src, strip: p.strip}
	return c.blocks(doc)
}

type converter struct {
	src   []byte
	strip *bluemonday.Policy
}

func (c *converter) blocks(parent ast.Node) []issue.Block {
	var out []issue.Block
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *ast.Paragraph, *ast.TextBlock:
			if ins := c.inlines(n, 0, ""); len(ins) > 0 {
				out = append(out, issue.Block{Kind: issue.Paragraph, Inlines: ins})
			}
		case *ast.Heading:
			out = append(out, issue.Block{Kind: issue.Heading, Inlines: c.inlines(n, 0, "")})
		case *ast.Blockquote:
			out = append(out, issue.Block{Kind: issue.Quote, Children: c.blocks(n)})
		case *ast.List:
			b := issue.Block{Kind: issue.List, Ordered: n.IsOrdered(), Start: n.Start}
			for item := n.FirstChild(); item != nil; item = item.NextSibling() {
				b.Children = append(b.Children, issue.Block{Kind: issue.ListItem, Children: c.blocks(item)})
			}
			out = append(out, b)
		case *ast.ThematicBreak:
			out = append(out, issue.Block{Kind: issue.Rule})
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			out = append(out, c.codeBlock(n))
		case *ast.HTMLBlock:
			// Raw HTML is reduced to its text: the words stay, the markup goes.
			if t := c.htmlText(n); t != "" {
				out = append(out, issue.Block{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: t}}})
			}
		}
	}
	return out
}

func (c *converter) codeBlock(n ast.Node) issue.Block {
	var b issue.Block
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		line := strings.TrimRight(string(seg.Value(c.src)), "\n")
		b.Inlines = append(b.Inlines, issue.Inline{Text: line, Style: issue.Code, Break: i < lines.Len()-1})
	}
	return b
}

func (c *converter) htmlText(n ast.Node) string {
	var buf bytes.Buffer
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		buf.Write(seg.Value(c.src))
	}
	t := c.strip.Sanitize(buf.String())
	return strings.Join(strings.Fields(html.UnescapeString(t)), " ")
}

// inlines flattens the inline children of n into styled runs.
func (c *converter) inlines(n ast.Node, style issue.Style, link string) []issue.Inline {
	var runs []issue.Inline
	add := func(in issue.Inline) { runs = append(runs, in) }
	for ch := n.FirstChild(); ch != nil; ch = ch.NextSibling() {
		switch ch := ch.(type) {
		case *ast.Text:
			t := string(ch.Segment.Value(c.src))
			switch {
			case ch.HardLineBreak():
				add(issue.Inline{Text: t, Style: style, URL: link, Break: true})
			case ch.SoftLineBreak():
				add(issue.Inline{Text: t + " ", Style: style, URL: link})
			default:
				add(issue.Inline{Text: t, Style: style, URL: link})
			}
		case *ast.String:
			add(issue.Inline{Text: string(ch.Value), Style: style, URL: link})
		case *ast.Emphasis:
			s := issue.Italic
			if ch.Level >= 2 {
				s = issue.Bold
			}
			for _, in := range c.inlines(ch, style|s, link) {
				add(in)
			}
		case *extast.Strikethrough:
			for _, in := range c.inlines(ch, style|issue.Strike, link) {
				add(in)
			}
		case *ast.CodeSpan:
			for _, in := range c.inlines(ch, style|issue.Code, link) {
				add(in)
			}
		case *ast.Link:
			for _, in := range c.inlines(ch, style, safeURL(string(ch.Destination))) {
				add(in)
			}
		case *ast.AutoLink:
			u := string(ch.URL(c.src))
			if ch.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(u, "mailto:") {
				u = "mailto:" + u
			}
			add(issue.Inline{Text: string(ch.Label(c.src)), Style: style, URL: safeURL(u)})
		case *ast.Image:
			// Inline images are not part of the issue; their alt text is.
			for _, in := range c.inlines(ch, style, link) {
				add(in)
			}
		case *ast.RawHTML:
			// Inline tags are dropped; the text between them is kept.
		default:
			for _, in := range c.inlines(ch, style, link) {
				add(in)
			}
		}
	}
	out := mergeRuns(runs)
	// Trailing soft breaks leave a space at the end of a paragraph.
	if k := len(out) - 1; k >= 0 {
		out[k].Text = strings.TrimRight(out[k].Text, " ")
		if out[k].Text == "" && !out[k].Break {
			out = out[:k]
		}
	}
	return out
}

// mergeRuns joins each stretch of runs that nothing distinguishes (the
// same style and link, no line break before the last) into one run. The
// text of a stretch is joined once: appending run by run was quadratic
// in a paragraph's length, and a long review's body allocated megabytes.
func mergeRuns(runs []issue.Inline) []issue.Inline {
	out := make([]issue.Inline, 0, len(runs))
	var b strings.Builder
	for i := 0; i < len(runs); {
		j := i + 1
		for j < len(runs) && !runs[j-1].Break && runs[j].Style == runs[i].Style && runs[j].URL == runs[i].URL {
			j++
		}
		in := runs[i]
		if j > i+1 {
			for _, r := range runs[i:j] {
				b.WriteString(r.Text)
			}
			in.Text, in.Break = b.String(), runs[j-1].Break
			b.Reset()
		}
		out = append(out, in)
		i = j
	}
	return out
}

// safeURL keeps only absolute http, https and mailto links; anything else
// (javascript:, data:, relative paths) becomes plain text.
func safeURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return ""
		}
		return u.String()
	case "mailto":
		return u.String()
	}
	return ""
}
