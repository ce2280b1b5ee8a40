package pdf

import (
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/issue"
)

// fuzzBody builds a review body from fuzz input: shape picks each block's
// kind and style, words come from text.
func fuzzBody(text string, shape []byte) []issue.Block {
	words := strings.Fields(strings.ToValidUTF8(text, "?"))
	if len(words) == 0 {
		words = []string{"word"}
	}
	next := 0
	take := func(n int) string {
		var out []string
		for range n {
			out = append(out, words[next%len(words)])
			next++
		}
		return strings.Join(out, " ")
	}
	var body []issue.Block
	for i, b := range shape {
		n := 1 + int(b>>3)%40
		para := issue.Block{Kind: issue.Paragraph, Inlines: []issue.Inline{
			{Text: take(n) + " "},
			{Text: take(2), Style: issue.Style(b % 8)},
			{Text: " " + take(3)},
		}}
		switch b % 8 {
		case 0:
			body = append(body, para)
		case 1:
			body = append(body, issue.Block{Kind: issue.Heading, Inlines: []issue.Inline{{Text: take(1 + n%6)}}})
		case 2:
			body = append(body, issue.Block{Kind: issue.Quote, Children: []issue.Block{para}})
		case 3, 5:
			item := issue.Block{Kind: issue.ListItem, Children: []issue.Block{para}}
			body = append(body, issue.Block{Kind: issue.List, Ordered: b%8 == 5, Start: i, Children: []issue.Block{item, item}})
		case 4:
			body = append(body, issue.Block{Kind: issue.Rule})
		case 6:
			para.Inlines[1].URL = "https://example.org/" + take(1)
			body = append(body, para)
		case 7:
			para.Inlines[0].Break = true
			body = append(body, para)
		}
	}
	return body
}

func FuzzLayoutBody(f *testing.F) {
	f.Add("The quick brown fox jumps over the lazy dog.", []byte{0, 8, 17, 2, 3, 4, 5, 6, 7})
	f.Add("https://example.org/an/extraordinarily/long/path/that/never/breaks/naturally", []byte{6, 0, 0})
	f.Add("“Madres” paralelas — Almodóvar’s ★★★½☆ 映画 😀 עברית", []byte{0, 1, 0, 2})
	f.Add("x", []byte{})
	f.Add(strings.Repeat("supercalifragilisticexpialidocious ", 50), []byte{255, 254, 253, 0, 1, 1, 1, 1})
	f.Fuzz(func(t *testing.T, text string, shape []byte) {
		if len(shape) > 64 {
			shape = shape[:64]
		}
		body := fuzzBody(text, shape)
		iss := &issue.Issue{Magazine: "Fuzz", Number: 1, Date: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
			Sections: []issue.Section{{Name: "Film", Reviews: []*issue.Review{{
				Source: "fuzz.md", Title: titleFrom(text), Section: "Film", Body: body, Deck: titleFrom(text),
				Pullquote: strings.ToValidUTF8(text, "?"),
			}}}}}
		doc, err := Layout(iss, Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkInsidePage(t, doc)
	})
}

// checkInsidePage fails for any text, rule or link outside the page box.
func checkInsidePage(t *testing.T, doc *Document) {
	t.Helper()
	const eps = 0.5
	for _, p := range doc.Pages {
		for _, it := range p.Items {
			switch it.Kind {
			case KText, KRule, KLink:
			default:
				continue
			}
			if it.X < -eps || it.X+it.W > doc.Width+eps || it.Y < -eps || it.Y+it.H > doc.Height+eps {
				t.Fatalf("page %d: item %+v lies outside the %gx%g page", p.Number, it, doc.Width, doc.Height)
			}
		}
	}
}

// titleFrom uses the fuzz text as a title, capped at a length an editor
// could conceivably write.
func titleFrom(text string) string {
	t := strings.ToValidUTF8(text, "?")
	if len(t) > 2000 {
		t = t[:2000]
	}
	return strings.ToValidUTF8(t, "")
}
