package publish

import (
	"bufio"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"

	"golang.org/x/image/draw"

	"github.com/foliopress/folio/issue"
)

// webMaxWidth is the widest a photo is ever shown by the email and the
// web version, at 2× density: the web page's 46rem column (736 CSS
// pixels; the email's lead spans 600). Wider photos are published scaled
// down to it, so a camera's 30 MB original never rides in every member's
// email.
const webMaxWidth = 1472

// jpegQuality is a scaled JPEG's quality: no visible loss at 2×.
const jpegQuality = 85

// webSize is the size a w×h photo is published at.
func webSize(w, h int) (int, int) {
	if w <= webMaxWidth || h <= 0 {
		return w, h
	}
	return webMaxWidth, max(1, (h*webMaxWidth+w/2)/w)
}

// copyPhotos writes every review's photo into dir under its published
// name, scaled down to webSize in its own format when wider. The source
// passed the header checks (pixel count, size) before this decodes it,
// and the build runs under its memory bound.
func copyPhotos(iss *issue.Issue, dir string) error {
	for _, r := range iss.Reviews() {
		if r.Photo == nil {
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		if err := publishPhoto(r.Photo.Path, filepath.Join(dir, issue.PhotoFile(r))); err != nil {
			return fmt.Errorf("publish: photo of %s: %w", r.Source, err)
		}
	}
	return nil
}

// publishPhoto copies from to to, scaling it down when wider than
// webMaxWidth.
func publishPhoto(from, to string) error {
	f, err := os.Open(from)
	if err != nil {
		return err
	}
	defer f.Close()
	cfg, format, err := image.DecodeConfig(bufio.NewReader(f))
	if err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	w, h := webSize(cfg.Width, cfg.Height)
	if w == cfg.Width {
		return copyFile(from, to)
	}
	if _, err := f.Seek(0, 0); err != nil {
		return err
	}
	src, _, err := image.Decode(bufio.NewReader(f))
	if err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	var dst image.Image
	if yc, ok := src.(*image.YCbCr); ok {
		// A JPEG's planes are averaged as they are: several times
		// faster than a kernel over RGBA (bench/pdf.sh's twelve photos
		// took seconds).
		dst = shrinkYCbCr(yc, w, h)
	} else {
		rgba := image.NewRGBA(image.Rect(0, 0, w, h))
		// BiLinear widens its kernel with the ratio: a true average, no
		// aliasing, at a fraction of CatmullRom's cost on a 40 MP photo.
		draw.BiLinear.Scale(rgba, rgba.Bounds(), src, src.Bounds(), draw.Src, nil)
		dst = rgba
	}
	src = nil
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(out)
	if format == "png" {
		err = png.Encode(bw, dst)
	} else {
		err = jpeg.Encode(bw, dst, &jpeg.Options{Quality: jpegQuality})
	}
	if err == nil {
		err = bw.Flush()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", to, err)
	}
	return nil
}
