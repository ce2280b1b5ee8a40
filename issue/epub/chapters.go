package epub

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"

	"github.com/foliopress/folio/issue"
)

// chapter is one section of the issue, one XHTML file.
type chapter struct {
	section issue.Section
	id      string
	href    string
}

func (b *book) chapterize() {
	for _, s := range b.iss.Sections {
		if len(s.Reviews) == 0 {
			continue
		}
		n := len(b.chapters) + 1
		b.chapters = append(b.chapters, chapter{section: s, id: "section-" + strconv.Itoa(n), href: "section-" + strconv.Itoa(n) + ".xhtml"})
	}
}

// bodyXHTML renders review body blocks as XHTML: escaped text, struck
// words in <s>, links only http, https and mailto (the parser kept no
// other), void elements closed.
func bodyXHTML(blocks []issue.Block) template.HTML {
	var sb strings.Builder
	writeBlocks(&sb, blocks)
	return template.HTML(sb.String())
}

func writeBlocks(sb *strings.Builder, blocks []issue.Block) {
	for _, b := range blocks {
		switch b.Kind {
		case issue.Paragraph:
			sb.WriteString("<p>")
			writeInlines(sb, b.Inlines)
			sb.WriteString("</p>\n")
		case issue.Heading:
			sb.WriteString("<h3>")
			writeInlines(sb, b.Inlines)
			sb.WriteString("</h3>\n")
		case issue.Quote:
			sb.WriteString("<blockquote>\n")
			writeBlocks(sb, b.Children)
			sb.WriteString("</blockquote>\n")
		case issue.List:
			tag := "ul"
			if b.Ordered {
				tag = "ol"
			}
			sb.WriteString("<" + tag)
			if b.Ordered && b.Start > 1 {
				sb.WriteString(` start="` + strconv.Itoa(b.Start) + `"`)
			}
			sb.WriteString(">\n")
			for _, it := range b.Children {
				sb.WriteString("<li>")
				if len(it.Children) == 1 && it.Children[0].Kind == issue.Paragraph {
					writeInlines(sb, it.Children[0].Inlines)
				} else {
					writeBlocks(sb, it.Children)
				}
				sb.WriteString("</li>\n")
			}
			sb.WriteString("</" + tag + ">\n")
		case issue.Rule:
			sb.WriteString("<hr/>\n")
		}
	}
}

func writeInlines(sb *strings.Builder, ins []issue.Inline) {
	for _, in := range ins {
		var open, close string
		if safeURL(in.URL) {
			open, close = `<a href="`+html.EscapeString(in.URL)+`">`, "</a>"
		}
		for _, st := range []struct {
			bit issue.Style
			tag string
		}{{issue.Bold, "strong"}, {issue.Italic, "em"}, {issue.Code, "code"}, {issue.Strike, "s"}} {
			if in.Style&st.bit != 0 {
				open, close = open+"<"+st.tag+">", "</"+st.tag+">"+close
			}
		}
		sb.WriteString(open)
		sb.WriteString(html.EscapeString(in.Text))
		sb.WriteString(close)
		if in.Break {
			sb.WriteString("<br/>")
		}
	}
}

func safeURL(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "mailto:")
}

// reviewView is a review as the chapter template shows it.
type reviewView struct {
	ID, Title, Deck, Byline, Certificate, Opens, OpensLabel, Pullquote string
	Stars, RatingWords                                                 string
	Credits                                                            []issue.Credit
	Photo                                                              *photo
	Caption, Credit                                                    string
	Body                                                               template.HTML
}

type chapterView struct {
	Lang, Title, Section string
	Reviews              []reviewView
}

func (b *book) chapterView(c chapter) chapterView {
	v := chapterView{Lang: b.opts.Language, Title: c.section.Name + " — " + b.iss.Magazine, Section: c.section.Name}
	for _, r := range c.section.Reviews {
		rv := reviewView{ID: r.Slug, Title: r.Title, Deck: r.Deck, Byline: r.Byline, Certificate: r.Certificate,
			Opens: r.Opens, OpensLabel: b.iss.OpensLabel(r.Section), Pullquote: r.Pullquote, Credits: r.Credits, Body: bodyXHTML(r.Body)}
		if r.Rating != nil {
			rv.Stars, rv.RatingWords = r.Rating.Stars(), r.Rating.Words()
		}
		for _, p := range b.photos {
			if p.r == r {
				rv.Photo, rv.Caption, rv.Credit = p, r.Photo.Caption, r.Photo.Credit
			}
		}
		v.Reviews = append(v.Reviews, rv)
	}
	return v
}

type navEntry struct {
	Href, Title string
	Reviews     []navEntry
}

type navView struct {
	Lang, Title, FirstHref, CoverHref string
	Sections                          []navEntry
}

func (b *book) navView() navView {
	v := navView{Lang: b.opts.Language, Title: b.title(), FirstHref: b.chapters[0].href}
	if b.cover != nil {
		v.CoverHref = "cover.xhtml"
	}
	for _, c := range b.chapters {
		e := navEntry{Href: c.href, Title: c.section.Name}
		for _, r := range c.section.Reviews {
			e.Reviews = append(e.Reviews, navEntry{Href: c.href + "#" + r.Slug, Title: r.Title})
		}
		v.Sections = append(v.Sections, e)
	}
	return v
}

type coverView struct {
	Lang, Title, Magazine, Line string
	Photo                       *photo
	Lines                       []string
}

func (b *book) coverView() coverView {
	v := coverView{Lang: b.opts.Language, Title: b.title(), Magazine: b.iss.Magazine, Photo: b.cover,
		Line: fmt.Sprintf("Issue No. %d · %s", b.iss.Number, b.iss.DateLabel())}
	for _, r := range b.iss.Reviews()[:min(3, len(b.iss.Reviews()))] {
		v.Lines = append(v.Lines, r.Section+": "+r.Title)
	}
	return v
}

// title is the book's title: "Folio Weekly — Issue 10, Week of March 2, 2026".
func (b *book) title() string {
	return fmt.Sprintf("%s — Issue %d, %s", b.iss.Magazine, b.iss.Number, b.iss.DateLabel())
}
