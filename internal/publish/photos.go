package publish

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"

	// Photos are JPEG or PNG; both decoders are wanted for scaling.
	_ "image/png"

	"golang.org/x/image/draw"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/newsletter"
)

// writeEmailPhotos writes, beside the originals in dir, each photo scaled
// to the width the email shows it at (newsletter.EmailPhoto): the cards'
// 184 px slots get 368 px copies instead of the originals. With
// onlyMissing it leaves the copies already there alone.
func writeEmailPhotos(iss *issue.Issue, dir string, onlyMissing bool) error {
	for _, r := range iss.Reviews() {
		if r.Photo == nil {
			continue
		}
		name, width := newsletter.EmailPhoto(iss, r)
		if width == 0 {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, name)); onlyMissing && err == nil {
			continue
		}
		data, err := scalePhoto(r.Photo.Path, width)
		if err != nil {
			return fmt.Errorf("publish: photo of %s: %w", r.Source, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
	}
	return nil
}

// scalePhoto reads the photo at path and returns it as a JPEG width
// pixels wide, its aspect kept (Catmull-Rom, over white where a PNG is
// transparent). Photos were checked against the megapixel limit when the
// review was read, so the decode is bounded.
func scalePhoto(path string, width int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	b := src.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 {
		return nil, fmt.Errorf("%s: empty image", path)
	}
	height := max(1, (b.Dy()*width+b.Dx()/2)/b.Dx())
	dst := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 85}); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return buf.Bytes(), nil
}
