package publish

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"golang.org/x/image/draw"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/newsletter"
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

// publishPhotos writes every review's photo into dir: its web copy
// under its published name, scaled down to webSize in its own format
// when wider, and its email copy (newsletter.EmailPhoto), both from one
// decode of the source. Photos are done on every core: decoding them is
// most of the work. The sources passed the header checks (pixel count,
// size) before this decodes them, and the build runs under its memory
// bound.
func publishPhotos(iss *issue.Issue, dir string) error {
	var rs []*issue.Review
	for _, r := range iss.Reviews() {
		if r.Photo != nil {
			rs = append(rs, r)
		}
	}
	if len(rs) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	errs := make([]error, len(rs))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, r := range rs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := publishPhoto(iss, r, dir); err != nil {
				errs[i] = fmt.Errorf("publish: photo of %s: %w", r.Source, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// publishPhoto writes r's web copy and email copy into dir. The source is
// copied as it is when it is narrow enough for the web; it is decoded
// once when either copy needs its pixels.
func publishPhoto(iss *issue.Issue, r *issue.Review, dir string) error {
	from, to := r.Photo.Path, filepath.Join(dir, issue.PhotoFile(r))
	emailName, emailWidth := newsletter.EmailPhoto(iss, r)
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
		if err := copyFile(from, to); err != nil {
			return err
		}
		if emailWidth == 0 {
			return nil
		}
	}
	if _, err := f.Seek(0, 0); err != nil {
		return err
	}
	src, _, err := image.Decode(bufio.NewReader(f))
	if err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	if w != cfg.Width {
		if err := writeWebCopy(src, format, w, h, to); err != nil {
			return err
		}
	}
	if emailWidth == 0 {
		return nil
	}
	data, err := emailJPEG(src, emailWidth)
	if err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	return os.WriteFile(filepath.Join(dir, emailName), data, 0o644)
}

// writeWebCopy writes src scaled to w×h into to, in format (png keeps
// PNG and its transparency; anything else is JPEG).
func writeWebCopy(src image.Image, format string, w, h int, to string) error {
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
