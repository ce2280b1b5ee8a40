package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foliopress/folio/internal/config"
	"github.com/foliopress/folio/internal/sitetest"
	"github.com/foliopress/folio/issue"
)

// TestFeedPhotosObeyContentLimits: a feed's photo is held to [content]
// max_photo_megapixels and max_photo_mb, as a review file's photo is.
func TestFeedPhotosObeyContentLimits(t *testing.T) {
	t.Parallel() // its own folder, store, relay and processes
	const photo = "/wp-content/uploads/2026/03/low-tide-radio.jpg"
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	noisy := func(w, h int) []byte { // incompressible: its PNG is some w×h×3 bytes
		r := rand.New(rand.NewPCG(seed, 1))
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		for i := range img.Pix {
			img.Pix[i] = byte(r.Uint32())
		}
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	big := func(w, h int) []byte { // few bytes, many pixels
		img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Gray{0x80}})
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	tests := []struct {
		name, limits string
		body         []byte
		want         []string
	}{
		{"pixels", "max_photo_megapixels = 1", big(1500, 1000), []string{"low-tide-radio.jpg", "1.5 megapixels", "at most 1 megapixels"}},
		{"bytes", "max_photo_mb = 1", noisy(800, 600), []string{"low-tide-radio.jpg", "limit 1048576"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := sitetest.New(t)
			site.Set(photo, tc.body, "image/png")
			dir := t.TempDir()
			toml := "[magazine]\nname = \"Folio Weekly\"\ntimezone = \"America/New_York\"\nbase_url = \"https://weekly.example.org\"\n" +
				"[content]\ndir = \"\"\nsections = [\"Film\", \"Stage\", \"Music\", \"Books\"]\n" + tc.limits + "\n" +
				"[[content.source]]\ntype = \"rss\"\nurl = \"" + site.URL + "/feed/\"\nallow_private = true\n" +
				"[content.sections_map]\nMovies = \"Film\"\nTheatre = \"Stage\"\n" +
				"[delivery]\nfrom = \"Folio Weekly <issues@weekly.example.org>\"\noutbox = \"outbox\"\n"
			path := filepath.Join(dir, "folio.toml")
			if err := os.WriteFile(path, []byte(toml), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Load(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			src, err := source(cfg, func(string) string { return "" })
			if err != nil {
				t.Fatal(err)
			}
			_, err = src.Collect(context.Background(), issue.Week{Year: 2026, Num: 10}, false)
			if err == nil {
				t.Fatal("a photo over the limit was collected")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not say %q", err, w)
				}
			}
		})
	}
}
