package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// photo is one image to draw: where it goes, relative to the reviews
// folder, and the scene that draws it.
type photo struct {
	File  string
	Scene func() scene
}

// photos lists every sample photo, named after its review file.
func photos() []photo {
	return []photo{
		{"film/the-salt-orchard.jpg", orchard},
		{"film/night-shift-at-the-planetarium.jpg", planetarium},
		{"stage/a-ledger-of-small-mercies.jpg", stageLamps},
		{"stage/the-lighthouse-keepers-tango.png", lighthouse},
		{"stage/the-quiet-tenant-of-pell-street.jpg", windows},
		{"music/tidewater-hymnal.jpg", vinyl},
		{"music/copper-wire-lullabies.jpg", meters},
		{"books/maps-of-the-unlit-province.jpg", bookshelf},
	}
}

// format is the encoding a photo's file name asks for.
func format(file string) string {
	if strings.EqualFold(filepath.Ext(file), ".png") {
		return "png"
	}
	return "jpeg"
}

func main() {
	dir := flag.String("dir", "", "reviews folder to write into (default: examples/reviews, or reviews when run inside examples/)")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run draws every photo into dir, reporting each file and its size.
func run(dir string) error {
	if dir == "" {
		var err error
		if dir, err = findDir(); err != nil {
			return err
		}
	}
	total := 0
	for _, p := range photos() {
		data, err := draw(p)
		if err != nil {
			return err
		}
		path := filepath.Join(dir, filepath.FromSlash(p.File))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("makephotos: %w", err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return fmt.Errorf("makephotos: %w", err)
		}
		total += len(data)
		fmt.Printf("%-50s %7d bytes\n", path, len(data))
	}
	fmt.Printf("%-50s %7d bytes\n", "total", total)
	return nil
}

// draw renders and encodes one photo.
func draw(p photo) ([]byte, error) {
	return encode(render(p.Scene(), Width, Height), format(p.File))
}

// findDir locates the sample's reviews folder from the module root or
// from inside examples/.
func findDir() (string, error) {
	for _, d := range []string{filepath.Join("examples", "reviews"), "reviews"} {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d, nil
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("makephotos: %w", err)
		}
	}
	return "", errors.New("makephotos: no examples/reviews folder here: run from the module root or pass -dir")
}
