package newsletter

import (
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/issue"
)

// fixtureReview is the hand-written text of one test review.
type fixtureReview struct {
	section, slug, title, deck, byline string
	rating                             float64 // -1: unrated
	photo                              string  // "", "jpeg" or "png"
	paras                              []string
}

// fixtureReviews is a twelve-review week with accents, curly quotes, a
// half-star rating, an unrated review and a review without a photo.
func fixtureReviews() []fixtureReview {
	return []fixtureReview{
		{"Film", "salt-and-lanterns", "Salt and Lanterns", "A fishing town keeps its secrets, and the camera keeps its distance — until it doesn’t.", "Marisol Okafor", 4, "jpeg", []string{
			"Nobody in Porto Velho says what they mean, and Inês Caldeira’s patient drama lets that silence do most of the talking. The harbour lights come on at dusk; the men go out; the women count.",
			"What lifts the film above its familiar shape is the way Caldeira films hands: mending nets, shelling beans, refusing to be held. It is a film about work that never once feels like homework.",
			"The last twenty minutes wobble — a storm arrives on cue, as storms in films about fishermen tend to — but by then you will have forgiven it almost anything.",
		}},
		{"Film", "the-quiet-engine", "The Quiet Engine", "A heist film with no guns and a great deal of arithmetic.", "Tomás Lindqvist", 3.5, "jpeg", []string{
			"Four retired accountants plan to rob the pension fund that swindled them. It sounds like a sketch, and for a while it plays like one.",
			"Then the film finds its nerve. The planning scenes are staged like chess problems, and Renée Duval, as the crew’s reluctant ringleader, gives a performance of beautifully controlled fury.",
		}},
		{"Film", "northern-lights-southern-sky", "Northern Lights, Southern Sky", "A documentary that looks up, and makes you look too.", "Marisol Okafor", 4.5, "png", []string{
			"Two observatories, one in Tromsø and one in the Atacama, trade time-lapse footage for a year. The premise is slight; the images are not.",
			"Director Aiyana Brooks resists narration almost entirely, trusting the astronomers’ offhand remarks — “we are basically very patient photographers” — to carry the ideas.",
		}},
		{"Music", "paper-harbour", "Paper Harbour", "Élodie Marchetti’s third album is her warmest, and her strangest.", "Kwame Asante", 4, "jpeg", []string{
			"Marchetti recorded these eleven songs in a disused ferry terminal, and you can hear the room: every piano chord trails a long, grey echo.",
			"The single “Glass Tides” is the obvious draw, but the album’s heart is “Café Noir at Four”, a six-minute waltz that keeps threatening to fall apart and never does.",
		}},
		{"Music", "brass-for-the-living", "Brass for the Living", "A New Orleans second-line band plays the concert hall and wins.", "Kwame Asante", 3, "jpeg", []string{
			"The Crescent Street Brass Collective’s first live album was taped across two nights at the symphony hall, and the acoustics flatter the tubas more than the trumpets.",
			"Still, when the band launches into its twelve-minute medley, the audience — audibly — stops being polite.",
		}},
		{"Music", "small-hours", "Small Hours", "Lullabies for adults who cannot sleep.", "Hana Sato", -1, "", []string{
			"This is less an album than a mood: thirty-four minutes of muted synthesisers and a cello that is ~~never~~ rarely fully awake. The liner notes: https://smallhours.example.org/liner-notes/the-complete-annotated-edition/track-by-track?utm_campaign=folioweeklyissue2026w10smallhoursreviewlinernotes1234567890",
			"We have not given it a rating, because it refuses to be judged on the usual terms. Put it on after midnight and see.",
		}},
		{"Books", "the-cartographers-daughter", "The Cartographer’s Daughter", "A debut novel about maps, inheritance and the lies in both.", "Priya Raman", 4, "jpeg", []string{
			"When Zofia Nowak inherits her father’s atelier in Kraków, she also inherits his habit of inventing small islands in otherwise accurate charts.",
			"The novel is at its best when it is most specific — the smell of fixative, the weight of a copper plate — and at its weakest when it reaches for a twist it has not earned.",
		}},
		{"Books", "a-year-of-soup", "A Year of Soup", "Fifty-two recipes and almost as many small essays.", "Hana Sato", 3.5, "png", []string{
			"Each week gets a soup and a page of reflection: on a grandmother’s borscht, on a failed bouillabaisse, on the ethics of stock cubes.",
			"The recipes work. The essays mostly do too, though by week forty the wistfulness begins to feel like seasoning applied by habit.",
		}},
		{"Books", "what-the-river-knew", "What the River Knew", "Essays on water, written with unusual clarity.", "Priya Raman", 5, "jpeg", []string{
			"Obiageli Nwosu has spent twenty years studying floods, and these essays carry that knowledge lightly.",
			"“A river is a verb,” she writes early on, and the rest of the book earns the line. It is the best non-fiction we have read this year.",
		}},
		{"Stage", "the-glass-orchard", "The Glass Orchard", "A revival that finds new light in an old family drama.", "Jonah Whitcombe", 4, "jpeg", []string{
			"Director Bérénice Aubert strips the set to a single table and a wall of suspended glass apples, which catch the light whenever anyone lies.",
			"It is a gimmick, and it works, because the cast plays against it rather than to it.",
		}},
		{"Stage", "two-left-feet", "Two Left Feet", "A dance comedy that is funnier than it is graceful.", "Jonah Whitcombe", 2.5, "png", []string{
			"Six amateur dancers rehearse for a competition none of them can win. The jokes land; the choreography, deliberately, does not.",
			"At ninety minutes without an interval it outstays its welcome by about twenty.",
		}},
		{"Stage", "night-market", "Night Market", "An immersive show that takes over a car park, and your evening.", "Marisol Okafor", 4, "jpeg", []string{
			"Audience members wander between food stalls while fragments of a dozen stories unfold around them; no two people see the same show.",
			"Bring cash, wear comfortable shoes, and do not be shy about following the woman with the lantern.",
		}},
	}
}

// testIssue builds an issue of the first n fixture reviews, writing small
// photos into dir.
func testIssue(t testing.TB, dir string, n int) *issue.Issue {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	week := issue.Week{Year: 2026, Num: 10}
	m := issue.Masthead{Name: "Folio Weekly", BaseURL: "https://weekly.example.org", Location: loc}
	var sections []issue.Section
	for i, f := range fixtureReviews()[:n] {
		r := &issue.Review{
			Source:    filepath.Join(dir, f.slug+".md"),
			Slug:      f.slug,
			Title:     f.title,
			Section:   f.section,
			Deck:      f.deck,
			Byline:    f.byline,
			Published: week.Start(loc).Add(time.Duration(9+i) * time.Hour),
			Credits:   []issue.Credit{{Role: "By", Names: f.byline}},
		}
		if f.rating >= 0 {
			rt, err := issue.NewRating(f.rating)
			if err != nil {
				t.Fatal(err)
			}
			r.Rating = &rt
		}
		if f.photo != "" {
			r.Photo = writePhoto(t, dir, f.slug, f.photo, i)
			r.Photo.Caption = f.title + ", photographed for Folio"
			r.Photo.Credit = "Folio Weekly"
		}
		for _, p := range f.paras {
			r.Body = append(r.Body, issue.Block{Kind: issue.Paragraph, Inlines: struck(p)})
		}
		if len(sections) == 0 || sections[len(sections)-1].Name != f.section {
			sections = append(sections, issue.Section{Name: f.section})
		}
		s := &sections[len(sections)-1]
		s.Reviews = append(s.Reviews, r)
	}
	return issue.New(m, week, sections)
}

// writePhoto writes a small two-tone picture, different for each i.
func writePhoto(t testing.TB, dir, slug, format string, i int) *issue.Photo {
	t.Helper()
	const w, h = 360, 240
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	hues := []color.RGBA{{158, 27, 27, 255}, {32, 86, 120, 255}, {183, 121, 31, 255}, {46, 110, 78, 255}, {92, 60, 130, 255}}
	a, b := hues[i%len(hues)], hues[(i+2)%len(hues)]
	for y := range h {
		for x := range w {
			c := a
			if x+y*3/2 > w-i*9 {
				c = b
			}
			img.Set(x, y, c)
		}
	}
	ext := ".jpg"
	if format == "png" {
		ext = ".png"
	}
	path := filepath.Join(dir, slug+ext)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if format == "png" {
		err = png.Encode(f, img)
	} else {
		err = jpeg.Encode(f, img, &jpeg.Options{Quality: 80})
	}
	if err != nil {
		t.Fatal(err)
	}
	return &issue.Photo{Path: path, Format: format, Width: w, Height: h}
}

// member is a typical recipient for tests.
func member(name string) Recipient {
	slug := strings.ToLower(strings.ReplaceAll(name, " ", "."))
	return Recipient{
		Name: name, Email: slug + "@example.net", Tier: "patron", PDFAttached: true,
		ArchiveURL:     "https://weekly.example.org/archive?m=" + slug + "&t=abc123",
		UnsubscribeURL: "https://weekly.example.org/unsubscribe?m=" + slug + "&t=def456",
	}
}

// newRenderer is New with the embedded templates, failing the test on error.
func newRenderer(t testing.TB, opts Options) *Renderer {
	t.Helper()
	r, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// struck turns "~~words~~" in fixture text into struck-through runs.
func struck(p string) []issue.Inline {
	var out []issue.Inline
	for i, part := range strings.Split(p, "~~") {
		if part == "" {
			continue
		}
		in := issue.Inline{Text: part}
		if i%2 == 1 {
			in.Style = issue.Strike
		}
		out = append(out, in)
	}
	return out
}
