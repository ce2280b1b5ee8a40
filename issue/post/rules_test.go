package post

import (
	"testing"
)

func TestFindRating(t *testing.T) {
	custom, err := NewRatingRule(`(?i)verdict:\s*(?P<rating>\d+)\s*/\s*(?P<scale>10)`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		text  string
		tags  []string
		want  string // Rating.String(), "" for none
		said  string
		fails bool
	}{
		{"stars of five", "Body.\n★★★★☆\nMore.", nil, "4", "★★★★☆", false},
		{"parenthesised half", "The Salt Orchard (★★★½)", nil, "3.5", "(★★★½)", false},
		{"stars alone on a line", "Great.\n★★★\n", nil, "3", "★★★", false},
		{"a lone ornament is not a rating", "★ Critic's pick of the week", nil, "", "", false},
		{"no stars", "☆☆☆☆☆", nil, "0", "☆☆☆☆☆", false},
		{"rating line", "Rating: 3.5/5", nil, "3.5", "Rating: 3.5/5", false},
		{"rating out of ten", "rating: 7 out of 10", nil, "3.5", "rating: 7 out of 10", false},
		{"rating with a half sign", "Rating: 3½", nil, "3.5", "Rating: 3½", false},
		{"rating above its scale", "Rating: 7/5", nil, "", "", true},
		{"tag", "no rating in text", []string{"Film", "4 stars"}, "4", "", false},
		{"half tag", "", []string{"3.5-star"}, "3.5", "", false},
		{"custom rule first", "Verdict: 8/10. Rating: 2/5", nil, "4", "Verdict: 8/10", false},
		{"nothing", "A fine film is rated R.", []string{"Film"}, "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := findRating([]*RatingRule{custom}, tc.text, tc.tags)
			if (err != nil) != tc.fails {
				t.Fatalf("err = %v", err)
			}
			got, said := "", ""
			if m != nil {
				got, said = m.rating.String(), m.said
			}
			if got != tc.want || said != tc.said {
				t.Errorf("rating %q said %q, want %q said %q", got, said, tc.want, tc.said)
			}
		})
	}
	if _, err := NewRatingRule(`(\d)/5`); err == nil {
		t.Error("a rule without a rating group was accepted")
	}
}

func TestCertificateAndOpens(t *testing.T) {
	tests := []struct {
		para        string
		cert, opens string
	}{
		{"Pain and Glory is rated R, and opens Friday, Oct. 11 at the Angelika Film Center.", "R", "Friday, Oct. 11 at the Angelika Film Center"},
		{"The Salt Orchard is rated PG-13 and opens Friday at the Rialto. Bring tissues.", "PG-13", "Friday at the Rialto"},
		{"It opens Nov. 3 at St. Mark's Playhouse", "", "Nov. 3 at St. Mark's Playhouse"},
		{"The show opens with a song.", "", ""},
		{"Nothing to see here; she rated it highly.", "", ""},
	}
	for _, tc := range tests {
		if c := findCertificate([]string{tc.para}); c != tc.cert {
			t.Errorf("%q: certificate %q, want %q", tc.para, c, tc.cert)
		}
		if o := findOpens([]string{tc.para}); o != tc.opens {
			t.Errorf("%q: opens %q, want %q", tc.para, o, tc.opens)
		}
	}
}

func TestSplitCredit(t *testing.T) {
	tests := []struct{ in, words, credit string }{
		{"Antonio Banderas in Pain and Glory. Photo: Sony Pictures Classics", "Antonio Banderas in Pain and Glory.", "Sony Pictures Classics"},
		{"Dusk over the orchard rows (Photograph by Ana Ruiz)", "Dusk over the orchard rows", "Ana Ruiz"},
		{"Photo: Folio Weekly Illustration", "", "Folio Weekly Illustration"},
		{"The quartet on stage — Courtesy of the artists", "The quartet on stage", "the artists"},
		{"A photo booth in the lobby", "A photo booth in the lobby", ""},
	}
	for _, tc := range tests {
		w, c := splitCredit(tc.in)
		if w != tc.words || c != tc.credit {
			t.Errorf("splitCredit(%q) = %q, %q; want %q, %q", tc.in, w, c, tc.words, tc.credit)
		}
	}
}

func TestDeck(t *testing.T) {
	body := "A patient first feature about an orchard. It takes its time."
	tests := []struct{ sub, excerpt, want string }{
		{"A subtitle", "An excerpt", "A subtitle"},
		{"", "Art imitates art in Almodóvar's most personal film.", "Art imitates art in Almodóvar's most personal film."},
		{"", "A patient first feature about an orchard. It takes […]", ""},
		{"", "A patient first feature about an orchard.", ""},
		{"", "Something else. Continue reading →", ""},
		{"", "A standfirst. The post The Salt Orchard appeared first on Folio Weekly.", "A standfirst."},
	}
	for _, tc := range tests {
		if got := deck(tc.sub, tc.excerpt, body); got != tc.want {
			t.Errorf("deck(%q, %q) = %q, want %q", tc.sub, tc.excerpt, got, tc.want)
		}
	}
}

func TestSection(t *testing.T) {
	r := Rules{Sections: []string{"Film", "Stage"}, SectionsMap: map[string]string{"Movies": "Film", "Theatre": "Stage"}}
	tests := []struct {
		cats  []string
		want  string
		fails bool
	}{
		{[]string{"Reviews", "movies"}, "Film", false},
		{[]string{"stage"}, "Stage", false},
		{[]string{"Uncategorized"}, "", true},
		{nil, "", true},
	}
	for _, tc := range tests {
		got, err := r.section(tc.cats)
		if got != tc.want || (err != nil) != tc.fails {
			t.Errorf("section(%v) = %q, %v", tc.cats, got, err)
		}
	}
	free := Rules{}
	if got, err := free.section([]string{"Books", "Reviews"}); got != "Books" || err != nil {
		t.Errorf("without sections: %q, %v", got, err)
	}
}

func TestSameImage(t *testing.T) {
	if !sameImage("https://m.example/wp-content/uploads/2026/03/a-1024x683.jpg", "https://m.example/wp-content/uploads/2026/03/a.jpg") {
		t.Error("a resized copy is not the same image")
	}
	if sameImage("https://m.example/a.jpg", "https://m.example/b.jpg") {
		t.Error("two images are the same")
	}
}
