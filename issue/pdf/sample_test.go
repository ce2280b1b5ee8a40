package pdf

import (
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/issue"
)

// writePhoto draws a soft landscape-like picture (sky, hills, a sun) and
// saves it as JPEG or PNG.
func writePhoto(t testing.TB, path string, w, h int, hue float64) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			hill := 0.62 + 0.08*math.Sin(fx*7+hue) + 0.05*math.Sin(fx*17)
			var c color.RGBA
			switch {
			case math.Hypot(fx-0.72, fy-0.3) < 0.08:
				c = color.RGBA{250, 226, 170, 255}
			case fy < hill:
				c = color.RGBA{uint8(90 + 100*fy), uint8(120 + 80*fy), uint8(170 + 60*math.Sin(hue)), 255}
			default:
				c = color.RGBA{uint8(60 + 40*math.Sin(fx*9+hue)), uint8(70 + 30*fy), uint8(45 + 20*fx), 255}
			}
			img.Set(x, y, c)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if strings.HasSuffix(path, ".png") {
		err = png.Encode(f, img)
	} else {
		err = jpeg.Encode(f, img, &jpeg.Options{Quality: 80})
	}
	if err != nil {
		t.Fatal(err)
	}
}

func p(text string) issue.Block {
	return issue.Block{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: text}}}
}

func rating(v float64) *issue.Rating {
	r, err := issue.NewRating(v)
	if err != nil {
		panic(err)
	}
	return &r
}

// testIssue builds a small issue in four sections with two photos written
// to dir: accented names, curly quotes, half stars, links, quotes, lists.
func testIssue(t testing.TB, dir string) *issue.Issue {
	t.Helper()
	jpg := filepath.Join(dir, "harbour.jpg")
	pngf := filepath.Join(dir, "portrait.png")
	writePhoto(t, jpg, 800, 533, 0.3)
	writePhoto(t, pngf, 360, 480, 2.1)
	loc := time.FixedZone("EST", -5*3600)
	week := issue.Week{Year: 2026, Num: 10}
	start := week.Start(loc)
	at := func(d int) time.Time { return start.Add(time.Duration(d)*24*time.Hour + 9*time.Hour) }

	film1 := &issue.Review{
		Source: "reviews/the-cartographer.md", Slug: "the-cartographer", Section: "Film",
		Title:  "The Cartographer’s Daughter",
		Deck:   "Inès Moreau’s quiet island drama maps a family by its silences",
		Byline: "Ana Lucía Ferrer", Published: at(0), Rating: rating(4), Certificate: "PG-13",
		Credits:   []issue.Credit{{Role: "Director", Names: "Inès Moreau"}, {Role: "Starring", Names: "Zoë Ångström, Joaquín Peña, Mireille Dubé"}},
		Opens:     "Friday, March 6, at the Lumière and on the Quay Cinema’s small screen",
		Pullquote: "“A film that trusts silence the way most films trust music.”",
		Photo:     &issue.Photo{Path: jpg, Caption: "Zoë Ångström walks the harbour wall at first light.", Credit: "Northlight Pictures", Format: "jpeg", Width: 800, Height: 533},
		Body: []issue.Block{
			{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: "“Maps lie,” says the old cartographer in the first scene of "}, {Text: "The Cartographer’s Daughter", Style: issue.Italic}, {Text: ", and the rest of the film sets out to prove him both right and wrong. Inès Moreau’s third feature opens on a long, patient shot of a harbour at dawn, and for a while nothing happens except weather."}}},
			p("Then a ferry arrives, carrying a retired surveyor who has come back to the island to settle an inheritance nobody else wants. What follows is less a mystery than an inventory: of rooms, of debts, of the particular silences that accumulate in families over forty winters."),
			p("Zoë Ångström plays the daughter with a stillness that never curdles into blankness. She listens the way good actors do, with her whole face, and the camera is wise enough to stay on her while other characters talk. Joaquín Peña, as the brother who stayed, is louder and funnier, and the film needs him more than it admits."),
			{Kind: issue.Heading, Inlines: []issue.Inline{{Text: "A landscape that talks back"}}},
			{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: "The cinematography by Mireille Dubé is "}, {Text: "extraordinary", Style: issue.Bold}, {Text: ": grey water, grey rock, and then, once an hour, a sudden flare of yellow lichen that feels like a plot twist. You can read more about the shoot on the "}, {Text: "production’s notebook", URL: "https://northlight.example.com/notebook/cartographer"}, {Text: ", which is worth a visit."}}},
			{Kind: issue.Quote, Children: []issue.Block{p("“I wanted the island to be the film’s loudest character, and it turned out to be the quietest,” Moreau told an audience after the première.")}},
			p("Not everything works. A subplot about a developer’s offer for the family house is underwritten, and the final reconciliation arrives a scene too early, as though the editor feared we might leave. These are small complaints about a film that otherwise knows exactly how long to hold a shot."),
			p("It is also, unexpectedly, very funny. The funeral lunch, in which three generations argue over the correct way to fillet a herring, is the best ensemble comedy I have seen this year, and it lasts barely four minutes."),
			p("See it on the biggest screen you can find, and then walk home the long way."),
		},
	}
	film2 := &issue.Review{
		Source: "reviews/night-shift.md", Slug: "night-shift", Section: "Film",
		Title: "Night Shift at the Museum of Clocks", Deck: "A comedy about time that runs a little long",
		Byline: "Tomás O’Connell", Published: at(2), Rating: rating(3.5), Certificate: "R",
		Credits: []issue.Credit{{Role: "Director", Names: "Björn Sæther"}},
		Body: []issue.Block{
			p("A night watchman discovers that every clock in his museum runs at a slightly different speed, and that the slowest one is keeping him young. It is a lovely premise, and for an hour Björn Sæther milks it with real invention."),
			p("The trouble is the last forty minutes, which trade the film’s gentle absurdity for a chase through the city’s bell towers. The stunts are fine; the tone is wrong. By the time the watchman reaches the cathedral, the film has forgotten what made it charming."),
			{Kind: issue.List, Children: []issue.Block{
				{Kind: issue.ListItem, Children: []issue.Block{p("Best scene: the cuckoo clock’s retirement party.")}},
				{Kind: issue.ListItem, Children: []issue.Block{p("Worst scene: anything involving the mayor.")}},
				{Kind: issue.ListItem, Children: []issue.Block{p("Stay for the credits, which are set to a metronome.")}},
			}},
			p("Still, a half-success with this much heart deserves an audience."),
		},
	}
	music := &issue.Review{
		Source: "reviews/salt-and-iron.md", Slug: "salt-and-iron", Section: "Music",
		Title: "Salt and Iron", Deck: "Élodie Brassens returns with a record of sea shanties rebuilt for synthesisers",
		Byline: "Kofi Mensah-Dupré", Published: at(1), Rating: rating(4.5),
		Credits: []issue.Credit{{Role: "Label", Names: "Tidewater Records"}},
		Photo:   &issue.Photo{Path: pngf, Caption: "Élodie Brassens in the studio she built in a former net loft.", Credit: "Tidewater Records", Format: "png", Width: 360, Height: 480},
		Body: []issue.Block{
			p("Élodie Brassens has always been a collector. Her first two albums were assembled from field recordings, fragments of hymns and the hum of ferry engines; her third does something braver, taking eleven working songs of the North Atlantic and rebuilding each one from the keel up."),
			{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: "The opener, "}, {Text: "“Haul Away, Marguerite”", Style: issue.Italic}, {Text: ", keeps only the call and response of the original. Everything else is modular synthesis, arpeggios that lap like water against a hull. It should not work. It is the best thing she has made."}}},
			{Kind: issue.List, Ordered: true, Start: 1, Children: []issue.Block{
				{Kind: issue.ListItem, Children: []issue.Block{p("“Haul Away, Marguerite” — the single, and rightly so.")}},
				{Kind: issue.ListItem, Children: []issue.Block{p("“The Cooper’s Lament” — a drone piece of terrible beauty.")}},
				{Kind: issue.ListItem, Children: []issue.Block{p("“Iron in the Blood” — the one you will hum for a week.")}},
			}},
			p("If the middle of the record sags a little, blame sequencing rather than songs. Heard on shuffle, every track holds up."),
		},
	}
	books := &issue.Review{
		Source: "reviews/the-lighthouse-years.md", Slug: "the-lighthouse-years", Section: "Books",
		Title: "The Lighthouse Years", Deck: "Søren Kierkegaard’s great-niece? No — but Ingrid Halvorsen writes as if she had the family gift",
		Byline: "Margarethe Voß", Published: at(3), Rating: rating(5),
		Credits: []issue.Credit{{Role: "Publisher", Names: "Harbour & Vane"}, {Role: "Pages", Names: "384"}},
		Body:    longBody(),
	}
	stage := &issue.Review{
		Source: "reviews/a-winter-cabaret.md", Slug: "a-winter-cabaret", Section: "Stage",
		Title: "A Winter Cabaret", Byline: "José Ibáñez", Published: at(4), Rating: rating(2),
		Opens: "Through March 29 at the Crescent Theatre",
		Body: []issue.Block{
			p("The songs are good and the singers are better, but the evening never decides whether it is a revue or a play, and ends up as neither."),
			{Kind: issue.Rule},
			p("Bring a coat: the Crescent’s heating is as uncertain as the script."),
		},
	}
	return &issue.Issue{
		Magazine: "Folio Weekly", Week: week, Number: 42, Date: start, BaseURL: "https://weekly.example.org",
		Sections: []issue.Section{
			{Name: "Film", Reviews: []*issue.Review{film1, film2}},
			{Name: "Music", Reviews: []*issue.Review{music}},
			{Name: "Books", Reviews: []*issue.Review{books}},
			{Name: "Stage", Reviews: []*issue.Review{stage}},
		},
	}
}

// longBody is a review long enough to run over several pages.
func longBody() []issue.Block {
	paras := []string{
		"Ingrid Halvorsen’s novel covers thirty years in the life of a lighthouse on the Norwegian coast, and the four keepers who tend it in turn. Each keeper gets a section; each section is written in a slightly different register, from the clipped log-book entries of the first to the sprawling, confessional letters of the last.",
		"It would be easy to call the structure a gimmick, but Halvorsen earns it. The lamp is the one constant, and the way each keeper describes the same light — as a duty, a companion, a rival, finally a kind of god — tells us more about them than any amount of backstory could.",
		"The first keeper, Anders, is a widower who speaks to nobody and writes down only the weather, the oil, and the ships. His section should be the dullest; it is the most suspenseful. Halvorsen makes us read the gaps between entries the way a detective reads a timetable.",
		"Then comes Kari, who arrives in 1962 with two children and a gramophone, and the book suddenly fills with noise. Her chapters are the warmest and the funniest, and they contain the novel’s one great set piece: a storm night in which the generator fails and the children have to turn the lens by hand.",
		"The third keeper is the problem. Halvorsen clearly intends Lars, a former sailor with a secret, to be the dark heart of the book, but his chapters lean too hard on foreshadowing. By the time the secret arrives we have guessed it twice over.",
		"The final section redeems everything. Written as letters from the last keeper to the engineer who will automate the light, it turns the whole novel into an argument about what is lost when a job becomes a mechanism. It is angry, tender and, in its closing pages, devastating.",
		"Halvorsen’s prose, in Margit Ødegård’s fine translation, is plain without being flat. She has a gift for the concrete detail — the smell of paraffin on wool, the particular blue of a winter noon — that makes a remote place feel inhabited.",
		"There are longueurs. The middle of the book could lose fifty pages without harm, and a framing device involving a modern-day researcher adds little. But these are the flaws of ambition, and the ambition is what you will remember.",
	}
	var out []issue.Block
	for round := 0; round < 3; round++ {
		for i, s := range paras {
			if round > 0 {
				s = strings.Replace(s, "The ", []string{"Again, the ", "Once more, the "}[round-1], 1)
			}
			out = append(out, p(s))
			if i == 3 && round == 1 {
				out = append(out, issue.Block{Kind: issue.Heading, Inlines: []issue.Inline{{Text: "What the light keeps"}}})
			}
		}
	}
	return out
}
