package issue

import "strings"

// BlockKind says what a Block of a review body is.
type BlockKind int

const (
	// Paragraph is running text made of Inlines.
	Paragraph BlockKind = iota
	// Heading is a sub-heading inside a review, made of Inlines.
	Heading
	// Quote is a block quote whose content is in Children.
	Quote
	// List is a list whose items are in Children (each of kind ListItem).
	List
	// ListItem is one item of a List; its content is in Children.
	ListItem
	// Rule is a thematic break.
	Rule
)

// Block is a block-level element of a review body. The Markdown source has
// already been parsed: renderers never see raw Markdown or raw HTML, so
// review text can only ever be text.
type Block struct {
	Kind     BlockKind
	Inlines  []Inline // Paragraph, Heading
	Children []Block  // Quote, List, ListItem
	Ordered  bool     // List: numbered rather than bulleted
	Start    int      // List: the first number of an ordered list
}

// Style is a set of inline text styles.
type Style uint8

const (
	Italic Style = 1 << iota
	Bold
	Code
	// Strike is struck-through text ("~~never~~"): the words stay, and so
	// does the strike, because it carries meaning.
	Strike
)

// Inline is a run of text with one style. A link is a run with a URL; the
// URL has been checked to be http, https or mailto.
type Inline struct {
	Text  string
	Style Style
	URL   string
	// Break marks a hard line break after Text.
	Break bool
}

// PlainText is the block's text without styling; paragraphs of a quote or
// list are separated by newlines.
func (b Block) PlainText() string {
	var sb strings.Builder
	b.writeText(&sb)
	return strings.TrimSpace(sb.String())
}

func (b Block) writeText(sb *strings.Builder) {
	for _, in := range b.Inlines {
		sb.WriteString(in.Text)
		if in.Break {
			sb.WriteByte('\n')
		}
	}
	for i, c := range b.Children {
		if i > 0 {
			sb.WriteByte('\n')
		}
		c.writeText(sb)
	}
}

// BodyText is a review body's plain text, one block a paragraph.
func BodyText(body []Block) string {
	parts := make([]string, 0, len(body))
	for _, b := range body {
		if t := b.PlainText(); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "\n\n")
}
