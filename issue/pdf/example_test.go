package pdf_test

import (
	"bytes"
	"fmt"
	"log"
	"time"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/pdf"
)

func exampleIssue() *issue.Issue {
	r, _ := issue.NewRating(3.5)
	return &issue.Issue{
		Magazine: "Folio Weekly", Number: 7, Week: issue.Week{Year: 2026, Num: 10},
		Date: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
		Sections: []issue.Section{{Name: "Film", Reviews: []*issue.Review{{
			Source: "reviews/harbour.md", Title: "The Harbour at Dawn", Section: "Film", Rating: &r,
			Body: []issue.Block{{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: "A short, quiet film about a long, loud family."}}}},
		}}}},
	}
}

// Typeset writes the whole issue as a PDF.
func ExampleTypeset() {
	var buf bytes.Buffer
	if err := pdf.Typeset(&buf, exampleIssue(), pdf.Options{PageSize: "a4"}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")))
	// Output: true
}

// Layout shows where everything lands without drawing a PDF.
func ExampleLayout() {
	doc, err := pdf.Layout(exampleIssue(), pdf.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range doc.Articles {
		fmt.Printf("%s: %q on page %d of %d\n", a.Section, a.Title, a.Page, len(doc.Pages))
	}
	// Output: Film: "The Harbour at Dawn" on page 2 of 2
}
