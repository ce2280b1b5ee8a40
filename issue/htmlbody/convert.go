package htmlbody

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/foliopress/folio/issue"
)

// Image is an <img> met in the HTML, with an absolute URL.
type Image struct {
	URL     string
	Alt     string
	Caption string // the text of the <figcaption> of its <figure>, if any
}

// Body is converted HTML: the blocks, and the images left out of them in
// document order.
type Body struct {
	Blocks []issue.Block
	Images []Image
}

// Converter sanitises and converts HTML; it is safe for concurrent use.
type Converter struct {
	policy *bluemonday.Policy
}

// New returns a Converter.
func New() *Converter {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "em", "i", "strong", "b", "blockquote", "ul", "ol", "li",
		"h1", "h2", "h3", "h4", "h5", "h6", "del", "s", "strike", "code", "pre", "hr", "figure", "figcaption")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("src", "alt").OnElements("img")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	return &Converter{policy: p}
}

// Convert sanitises src and converts it; relative links and image sources
// are resolved against base (the post's address), which may be nil.
func (c *Converter) Convert(src string, base *url.URL) Body {
	clean := c.policy.Sanitize(src)
	nodes, err := html.ParseFragment(strings.NewReader(clean), &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"})
	b := &builder{base: base}
	if err != nil {
		return Body{}
	}
	root := &html.Node{Type: html.ElementNode, DataAtom: atom.Div, Data: "div"}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	return Body{Blocks: b.blocks(root), Images: b.images}
}

type builder struct {
	base   *url.URL
	images []Image
}

// blocks converts the children of a container. Text and inline elements
// that stand directly in it gather into paragraphs between its blocks.
func (b *builder) blocks(parent *html.Node) []issue.Block {
	var out []issue.Block
	var run []*html.Node
	flush := func() {
		if len(run) == 0 {
			return
		}
		var ins []issue.Inline
		for _, n := range run {
			ins = b.inline(ins, n, 0, "")
		}
		run = run[:0]
		if ins = tidy(ins); len(ins) > 0 {
			out = append(out, issue.Block{Kind: issue.Paragraph, Inlines: ins})
		}
	}
	for n := parent.FirstChild; n != nil; n = n.NextSibling {
		if n.Type != html.ElementNode || !isBlock(n.DataAtom) {
			run = append(run, n)
			continue
		}
		flush()
		out = append(out, b.block(n)...)
	}
	flush()
	return out
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote,
		atom.Ul, atom.Ol, atom.Li, atom.Hr, atom.Pre, atom.Figure, atom.Figcaption:
		return true
	}
	return false
}

func (b *builder) block(n *html.Node) []issue.Block {
	switch n.DataAtom {
	case atom.P, atom.Figcaption:
		return b.paragraph(issue.Paragraph, n)
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return b.paragraph(issue.Heading, n)
	case atom.Blockquote:
		if ch := b.blocks(n); len(ch) > 0 {
			return []issue.Block{{Kind: issue.Quote, Children: ch}}
		}
	case atom.Ul, atom.Ol:
		return b.list(n)
	case atom.Li: // an item outside a list: its content
		return b.blocks(n)
	case atom.Hr:
		return []issue.Block{{Kind: issue.Rule}}
	case atom.Pre:
		return b.pre(n)
	case atom.Figure:
		b.figure(n)
	}
	return nil
}

func (b *builder) paragraph(kind issue.BlockKind, n *html.Node) []issue.Block {
	var ins []issue.Inline
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type == html.ElementNode && isBlock(ch.DataAtom) {
			// A block inside a paragraph (the sanitiser's parse allows
			// it in places): its text joins the paragraph.
			for _, blk := range b.block(ch) {
				ins = append(ins, issue.Inline{Text: " " + blk.PlainText() + " "})
			}
			continue
		}
		ins = b.inline(ins, ch, 0, "")
	}
	if ins = tidy(ins); len(ins) > 0 {
		return []issue.Block{{Kind: kind, Inlines: ins}}
	}
	return nil
}

func (b *builder) list(n *html.Node) []issue.Block {
	l := issue.Block{Kind: issue.List, Ordered: n.DataAtom == atom.Ol}
	if l.Ordered {
		l.Start = 1
		if s := attr(n, "start"); s != "" {
			l.Start = atoiSmall(s)
		}
	}
	for li := n.FirstChild; li != nil; li = li.NextSibling {
		switch {
		case li.Type == html.ElementNode && li.DataAtom == atom.Li:
			if ch := b.blocks(li); len(ch) > 0 {
				l.Children = append(l.Children, issue.Block{Kind: issue.ListItem, Children: ch})
			}
		case li.Type == html.ElementNode && (li.DataAtom == atom.Ul || li.DataAtom == atom.Ol):
			// A nested list written without its <li>: it joins the last item.
			if k := len(l.Children) - 1; k >= 0 {
				l.Children[k].Children = append(l.Children[k].Children, b.list(li)...)
			}
		default:
			if ins := tidy(b.inline(nil, li, 0, "")); len(ins) > 0 {
				l.Children = append(l.Children, issue.Block{Kind: issue.ListItem,
					Children: []issue.Block{{Kind: issue.Paragraph, Inlines: ins}}})
			}
		}
	}
	if len(l.Children) == 0 {
		return nil
	}
	return []issue.Block{l}
}

// pre keeps a preformatted block's lines, as Markdown code blocks are kept.
func (b *builder) pre(n *html.Node) []issue.Block {
	text := strings.Trim(textOf(n), "\n")
	if strings.TrimSpace(text) == "" {
		return nil
	}
	lines := strings.Split(text, "\n")
	blk := issue.Block{Kind: issue.Paragraph}
	for i, line := range lines {
		blk.Inlines = append(blk.Inlines, issue.Inline{Text: line, Style: issue.Code, Break: i < len(lines)-1})
	}
	return []issue.Block{blk}
}

// figure records the figure's images with its caption; neither is body text.
func (b *builder) figure(n *html.Node) {
	var caption string
	var imgs []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			switch {
			case ch.Type == html.ElementNode && ch.DataAtom == atom.Img:
				imgs = append(imgs, ch)
			case ch.Type == html.ElementNode && ch.DataAtom == atom.Figcaption:
				caption = collapse(textOf(ch))
			default:
				walk(ch)
			}
		}
	}
	walk(n)
	for _, img := range imgs {
		b.image(img, caption)
	}
}

func (b *builder) image(n *html.Node, caption string) {
	u := b.resolve(attr(n, "src"), false)
	if u == "" {
		return
	}
	b.images = append(b.images, Image{URL: u, Alt: collapse(attr(n, "alt")), Caption: caption})
}

// inline appends the runs of n, in style and inside link, to ins.
func (b *builder) inline(ins []issue.Inline, n *html.Node, style issue.Style, link string) []issue.Inline {
	switch n.Type {
	case html.TextNode:
		return appendText(ins, n.Data, style, link)
	case html.ElementNode:
	default:
		return ins
	}
	switch n.DataAtom {
	case atom.Br:
		if k := len(ins) - 1; k >= 0 && !ins[k].Break {
			ins[k].Text = strings.TrimRight(ins[k].Text, " ")
			ins[k].Break = true
			return ins
		}
		return append(ins, issue.Inline{Style: style, URL: link, Break: true})
	case atom.Img:
		b.image(n, "")
		return ins
	case atom.Em, atom.I:
		style |= issue.Italic
	case atom.Strong, atom.B:
		style |= issue.Bold
	case atom.Code:
		style |= issue.Code
	case atom.Del, atom.S, atom.Strike:
		style |= issue.Strike
	case atom.A:
		link = b.resolve(attr(n, "href"), true)
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type == html.ElementNode && isBlock(ch.DataAtom) {
			for _, blk := range b.block(ch) {
				ins = appendText(ins, " "+blk.PlainText()+" ", style, link)
			}
			continue
		}
		ins = b.inline(ins, ch, style, link)
	}
	return ins
}

// appendText adds text with HTML's whitespace rules: any run of spaces
// and newlines is one space, and none doubles across element boundaries.
func appendText(ins []issue.Inline, text string, style issue.Style, link string) []issue.Inline {
	t := collapseKeepEdges(text)
	if t == "" {
		return ins
	}
	k := len(ins) - 1
	if k < 0 || ins[k].Break {
		t = strings.TrimLeft(t, " ")
	} else if strings.HasSuffix(ins[k].Text, " ") {
		t = strings.TrimLeft(t, " ")
	}
	if t == "" {
		return ins
	}
	if k >= 0 && !ins[k].Break && ins[k].Style == style && ins[k].URL == link {
		ins[k].Text += t
		return ins
	}
	return append(ins, issue.Inline{Text: t, Style: style, URL: link})
}

// tidy trims a paragraph's runs at its ends and drops empty ones.
func tidy(ins []issue.Inline) []issue.Inline {
	for len(ins) > 0 && strings.TrimSpace(ins[0].Text) == "" && !ins[0].Break {
		ins = ins[1:]
	}
	for len(ins) > 0 && strings.TrimSpace(ins[len(ins)-1].Text) == "" {
		ins = ins[:len(ins)-1]
	}
	if len(ins) == 0 {
		return nil
	}
	ins[0].Text = strings.TrimLeft(ins[0].Text, " ")
	last := &ins[len(ins)-1]
	last.Text = strings.TrimRight(last.Text, " ")
	last.Break = false
	return ins
}

// resolve makes a link or image source absolute against the post's
// address and keeps it only if it is http or https (or mailto, for links).
func (b *builder) resolve(raw string, mailto bool) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if b.base != nil {
		u = b.base.ResolveReference(u)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return ""
		}
		return u.String()
	case "mailto":
		if mailto {
			return u.String()
		}
	}
	return ""
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Br {
			sb.WriteByte('\n')
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(n)
	return sb.String()
}

// collapse is text with its whitespace runs made single spaces and trimmed.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// collapseKeepEdges collapses whitespace but keeps one space at an edge
// that had any, since it separates words across elements.
func collapseKeepEdges(s string) string {
	if s == "" {
		return ""
	}
	mid := collapse(s)
	if mid == "" {
		return " "
	}
	if first, _ := utf8.DecodeRuneInString(s); unicode.IsSpace(first) {
		mid = " " + mid
	}
	if last, _ := utf8.DecodeLastRuneInString(s); unicode.IsSpace(last) {
		mid += " "
	}
	return mid
}

func atoiSmall(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' || n > 1e6 {
			return 1
		}
		n = n*10 + int(r-'0')
	}
	return n
}
