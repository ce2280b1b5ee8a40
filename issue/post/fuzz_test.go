package post

import (
	"testing"

	"github.com/foliopress/folio/issue"
)

// FuzzReadText: the rating, certificate, opens and credit readers take any
// text a post carries without panicking, and a rating they find is valid.
func FuzzReadText(f *testing.F) {
	for _, s := range []string{
		"Rating: 3.5/5", "(★★★½)", "★★★★☆", "rating: 7 out of 10", "Rating: 9999999999999999999/1",
		"It is rated R, and opens Friday, Oct. 11 at the Angelika.", "Photo: Sony Pictures Classics", "opens at",
	} {
		f.Add(s, "4 stars")
	}
	f.Fuzz(func(t *testing.T, text, tag string) {
		m, err := findRating(nil, text, []string{tag})
		if err == nil && m != nil {
			if _, verr := issue.NewRating(m.rating.Value()); verr != nil {
				t.Fatalf("%q, %q gave rating %v", text, tag, m.rating)
			}
		}
		_ = findCertificate([]string{text})
		_ = findOpens([]string{text})
		_, _ = splitCredit(text)
		_ = deck("", text, tag)
	})
}
