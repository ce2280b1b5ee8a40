package epub

import (
	"fmt"
	"html/template"
	"strconv"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/newsletter"
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

// bodyXHTML renders review body blocks as XHTML, with the newsletter's
// body writer: escaped text, struck words in <s>, links only http, https
// and mailto, void elements closed.
func bodyXHTML(blocks []issue.Block) template.HTML {
	return template.HTML(newsletter.BodyXHTML(blocks))
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
