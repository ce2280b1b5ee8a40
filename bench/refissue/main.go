// Command refissue writes the benchmarks' reference magazine into a folder:
// a config, a week of long reviews with large photos (the PDF benchmark's
// ~40-page issue) and a members CSV of any size (the delivery benchmark).
// Its text is generated from Folio's own word lists, deterministically.
package main

import (
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	dir := flag.String("dir", "ref", "folder to write into")
	reviews := flag.Int("reviews", 12, "number of reviews (each with a photo)")
	words := flag.Int("words", 2300, "words per review body")
	members := flag.Int("members", 20, "members in members.csv")
	width := flag.Int("photo-width", 1600, "photo width in pixels (height is 2/3)")
	smtpPort := flag.Int("smtp-port", 0, "relay port for the config (0: outbox)")
	flag.Parse()
	if err := write(*dir, *reviews, *words, *members, *width, *smtpPort); err != nil {
		fmt.Fprintln(os.Stderr, "refissue:", err)
		os.Exit(1)
	}
}

func write(dir string, n, words, members, width, smtpPort int) error {
	rd := filepath.Join(dir, "reviews")
	if err := os.MkdirAll(rd, 0o755); err != nil {
		return err
	}
	host, tls := "", "none"
	if smtpPort > 0 {
		host = "127.0.0.1"
	}
	cfg := fmt.Sprintf(`[magazine]
name = "Folio Reference Weekly"
timezone = "America/New_York"
base_url = "https://weekly.example.org"
address = "Folio Reference Weekly, 1 Bench Street, Testville, ME 04101, USA"
[content]
dir = "reviews"
sections = ["Film", "Stage", "Music", "Books"]
[delivery]
from = "Folio Reference Weekly <issues@weekly.example.org>"
workers = 4
[newsletter]
attach_max_kb = 1
[smtp]
host = %q
port = %d
tls = %q
`, host, max(smtpPort, 25), tls)
	if err := os.WriteFile(filepath.Join(dir, "folio.toml"), []byte(cfg), 0o644); err != nil {
		return err
	}
	sections := []string{"Film", "Stage", "Music", "Books"}
	rng := rand.New(rand.NewPCG(7, 41))
	for i := range n {
		slug := fmt.Sprintf("review-%02d", i+1)
		fm := fmt.Sprintf("---\ntitle: %q\nsection: %s\ndeck: %q\nbyline: %q\npublished: 2026-03-%02dT09:%02d:00-05:00\nrating: %.1f\n"+
			"credits:\n  - Director: %s\n  - Starring: %s, %s\nopens: %q\npullquote: %q\nphoto:\n  file: %s.jpg\n  caption: %q\n  credit: \"Folio Reference\"\n---\n",
			title(rng), sections[i%len(sections)], sentence(rng, 14), name(rng), 2+i%6, i, float64(rng.IntN(11))/2,
			name(rng), name(rng), name(rng), "Friday at the Rialto, 7.30 pm", sentence(rng, 12), slug, sentence(rng, 8))
		var body strings.Builder
		for written := 0; written < words; {
			p := paragraph(rng, 60+rng.IntN(80))
			written += len(strings.Fields(p))
			body.WriteString(p + "\n\n")
		}
		if err := os.WriteFile(filepath.Join(rd, slug+".md"), []byte(fm+body.String()), 0o644); err != nil {
			return err
		}
		if err := photo(filepath.Join(rd, slug+".jpg"), width, width*2/3, i); err != nil {
			return err
		}
	}
	var csv strings.Builder
	csv.WriteString("email,name,tier,status,deliver_pdf\n")
	for i := range members {
		fmt.Fprintf(&csv, "member%06d@example.org,%s,digital,active,link\n", i+1, name(rng))
	}
	return os.WriteFile(filepath.Join(dir, "members.csv"), []byte(csv.String()), 0o644)
}

var (
	nouns = strings.Fields("harbour lantern orchard ledger chorus window ferry season garden archive balcony violin " +
		"river kitchen letter mirror theatre winter bridge rehearsal quartet novel camera curtain stairwell market " +
		"island signal harvest telegram opera ballad corridor lighthouse")
	verbs = strings.Fields("carries remembers unsettles follows questions rewards measures gathers lifts softens " +
		"sharpens borrows answers frames leaves steadies surprises returns")
	adjs = strings.Fields("patient quiet generous restless luminous careful stubborn tender wry deliberate " +
		"crowded unhurried bright melancholy exact playful weathered")
	firsts = strings.Fields("Zoë Ramón Begoña Søren François Inês Amaia Tomás Chloë Jürgen Maeve Lucía Anaïs Björn")
	lasts  = strings.Fields("Lindqvist Etxeberria Salcedo Kjær Dubois Ferreira Arrondo Ibarra Ashworth Weiß Osei Fontaine")
)

func pick(rng *rand.Rand, xs []string) string { return xs[rng.IntN(len(xs))] }

func name(rng *rand.Rand) string { return pick(rng, firsts) + " " + pick(rng, lasts) }

func title(rng *rand.Rand) string {
	t := "The " + pick(rng, adjs) + " " + pick(rng, nouns)
	return strings.ToUpper(t[:5]) + t[5:]
}

func sentence(rng *rand.Rand, n int) string {
	var w []string
	for len(w) < n {
		w = append(w, "the", pick(rng, adjs), pick(rng, nouns), pick(rng, verbs), "a", pick(rng, nouns))
	}
	s := strings.Join(w[:n], " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func paragraph(rng *rand.Rand, words int) string {
	var s []string
	for n := 0; n < words; {
		k := 8 + rng.IntN(14)
		sent := sentence(rng, k)
		if rng.IntN(5) == 0 {
			sent = strings.Replace(sent, " the ", " the *"+pick(rng, adjs)+"* ", 1)
		}
		if rng.IntN(9) == 0 {
			sent = "“" + strings.TrimSuffix(sent, ".") + ",” says " + name(rng) + "."
		}
		s = append(s, sent)
		n += k
	}
	return strings.Join(s, " ")
}

// photo draws a smooth gradient with soft circles and fine grain, so the
// JPEG is about as heavy as a real photograph of that size.
func photo(path string, w, h, seed int) error {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(uint64(seed), 99))
	hue := float64(seed) * 0.7
	for y := range h {
		for x := range w {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			v := 0.5 + 0.5*math.Sin(fx*6+hue)*math.Cos(fy*4-hue)
			g := rng.IntN(24)
			img.Set(x, y, color.RGBA{
				uint8(clamp(60 + 150*v + float64(g))), uint8(clamp(40 + 120*fy + float64(g))),
				uint8(clamp(90 + 100*(1-v) + float64(g))), 255,
			})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 85}); err != nil {
		return errors.Join(err, f.Close())
	}
	return f.Close()
}

func clamp(v float64) float64 { return math.Max(0, math.Min(255, v)) }
