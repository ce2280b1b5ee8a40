package newsletter_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/newsletter"
	"github.com/foliopress/folio/templates"
)

// Example renders one week's newsletter for a member: parse the templates
// once, build the edition once per issue, then Render per member.
func Example() {
	week := issue.Week{Year: 2026, Num: 10}
	rating, _ := issue.NewRating(4)
	review := &issue.Review{
		Slug: "salt-and-lanterns", Title: "Salt and Lanterns", Section: "Film",
		Deck: "A fishing town keeps its secrets.", Published: week.Start(time.UTC), Rating: &rating,
		Body: []issue.Block{{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: "Nobody in the harbour says what they mean."}}}},
	}
	iss := issue.New(issue.Masthead{Name: "Folio Weekly", BaseURL: "https://weekly.example.org"}, week,
		[]issue.Section{{Name: "Film", Reviews: []*issue.Review{review}}})

	r, err := newsletter.New(newsletter.Options{Templates: newsletter.Overlay(templates.FS(), "")})
	if err != nil {
		panic(err)
	}
	ed, err := r.Edition(iss)
	if err != nil {
		panic(err)
	}
	msg, err := ed.Render(newsletter.Recipient{
		Name: "Ana", Email: "ana@example.net", Tier: "patron", PDFAttached: true,
		UnsubscribeURL: "https://weekly.example.org/u/ana?t=signed",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(ed.Subject())
	fmt.Println(strings.Join(strings.Split(msg.Text, "\n")[:8], "\n"))
	// Output:
	// Folio Weekly No. 10: Salt and Lanterns
	// Dear Ana,
	//
	// Folio Weekly · Issue 10 · Week of March 2, 2026
	//
	// One new review this week, across Film.
	//
	// Read it in your browser: https://weekly.example.org/issues/2026-W10/
	// The full issue is attached as a PDF, ready for reading offline.
}
