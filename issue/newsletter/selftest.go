package newsletter

import (
	"fmt"
	"time"

	"github.com/foliopress/folio/issue"
)

// selfTest renders a small sample issue through every template, so that a
// template that parses but fails when run (a misspelt field, a missing
// unsubscribe link) is caught by New.
func (r *Renderer) selfTest() error {
	iss := sampleIssue()
	e, err := r.edition(iss)
	if err != nil {
		return fmt.Errorf("newsletter: templates fail on a sample issue: %w", err)
	}
	rcs := []Recipient{
		{Name: "Sample Member", Email: "member@example.org", Tier: "patron", PDFAttached: true,
			ArchiveURL: "https://example.org/archive", UnsubscribeURL: "https://example.org/u"},
		{Email: "reader@example.org", PDFURL: "https://example.org/p.pdf", UnsubscribeURL: "mailto:u@example.org"},
	}
	for _, rc := range rcs {
		if _, err := e.Render(rc); err != nil {
			return fmt.Errorf("newsletter: templates fail on a sample member: %w", err)
		}
	}
	if _, err := e.WebPage(); err != nil {
		return fmt.Errorf("newsletter: templates fail on a sample web page: %w", err)
	}
	return nil
}

// sampleIssue exercises every field the templates can show.
func sampleIssue() *issue.Issue {
	rating := issue.Rating{Halves: 7}
	week := issue.Week{Year: 2026, Num: 10}
	body := []issue.Block{
		{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: "An opening "}, {Text: "line", Style: issue.Italic, URL: "https://example.org/"}}},
		{Kind: issue.Heading, Inlines: []issue.Inline{{Text: "A heading"}}},
		{Kind: issue.Quote, Children: []issue.Block{{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: "Quoted."}}}}},
		{Kind: issue.List, Ordered: true, Start: 2, Children: []issue.Block{{Kind: issue.ListItem, Children: []issue.Block{{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: "Item", Style: issue.Bold | issue.Code}}}}}}},
		{Kind: issue.Rule},
	}
	lead := &issue.Review{
		Slug: "sample-lead", Title: "Sample", Section: "Film", Deck: "A deck.", Byline: "A Critic",
		Published: week.Start(time.UTC), Rating: &rating, Certificate: "PG",
		Credits: []issue.Credit{{Role: "Director", Names: "Someone"}}, Opens: "Friday", Pullquote: "Quotable.",
		Photo: &issue.Photo{Path: "/nonexistent/sample.jpg", Caption: "A caption", Credit: "A credit", Format: "jpeg", Width: 1200, Height: 800},
		Body:  body,
	}
	plain := &issue.Review{Slug: "sample-plain", Title: "Plain", Section: "Books", Published: week.Start(time.UTC), Body: body[:1]}
	return &issue.Issue{
		Magazine: "Sample", Week: week, Number: 1, Date: week.Start(time.UTC), BaseURL: "https://example.org",
		Sections: []issue.Section{{Name: "Film", Reviews: []*issue.Review{lead}}, {Name: "Books", Reviews: []*issue.Review{plain}}},
	}
}
