package publish

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/image/draw"
	"golang.org/x/sync/errgroup"

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
// decode of the source, or from cache when an earlier build made them.
// Photos are done on every core: decoding them is most of the work. The
// sources passed the header checks (pixel count, size) before this
// decodes them, and the build runs under its memory bound.
func publishPhotos(iss *issue.Issue, dir string, cache photoCache) error {
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
	err := eachPhoto(rs, func(r *issue.Review) error { return publishPhoto(iss, r, dir, cache) })
	cache.sweep()
	return err
}

// eachPhoto runs do for the photo of every review of rs, on every core:
// decoding photos is most of the work. Every photo is tried, and all
// their errors are told.
func eachPhoto(rs []*issue.Review, do func(*issue.Review) error) error {
	errs := make([]error, len(rs))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, r := range rs {
		g.Go(func() error {
			if err := do(r); err != nil {
				errs[i] = fmt.Errorf("publish: photo of %s: %w", r.Source, err)
			}
			return nil
		})
	}
	_ = g.Wait() // nil: the errors are in errs
	return errors.Join(errs...)
}

// photoCopy is one file publishPhoto writes: where, and how it is made.
type photoCopy struct {
	path   string
	key    photoKey
	needed bool // not in the cache: made from the decoded source
}

// publishPhoto writes r's web copy and email copy into dir. The source is
// copied as it is when it is narrow enough for the web; the scaled copies
// come from cache, or from one decode of the source.
func publishPhoto(iss *issue.Issue, r *issue.Review, dir string, cache photoCache) error {
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
	var web, email *photoCopy
	if w == cfg.Width {
		if err := copyFile(from, to); err != nil {
			return err
		}
	} else {
		web = &photoCopy{path: to, key: photoKey{variant: fmt.Sprintf("web-%dx%d-%s-q%d", w, h, format, jpegQuality)}}
	}
	if emailWidth > 0 {
		email = &photoCopy{path: filepath.Join(dir, emailName), key: photoKey{variant: fmt.Sprintf("email-%d-q%d", emailWidth, jpegQuality)}}
	}
	if web == nil && email == nil {
		return nil
	}
	if err := fromCache(f, cache, web, email); err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	if (web == nil || !web.needed) && (email == nil || !email.needed) {
		return nil
	}
	if _, err := f.Seek(0, 0); err != nil {
		return err
	}
	src, _, err := image.Decode(bufio.NewReader(f))
	if err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	if web != nil && web.needed {
		data, err := webCopy(src, format, w, h)
		if err == nil {
			err = writeCopy(cache, web, data)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", web.path, err)
		}
	}
	if email != nil && email.needed {
		data, err := emailJPEG(src, emailWidth)
		if err == nil {
			err = writeCopy(cache, email, data)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", email.path, err)
		}
	}
	return nil
}

// fromCache names the copies by the source's digest (read from f) and
// copies those the cache has; the others are marked needed.
func fromCache(f io.ReadSeeker, cache photoCache, copies ...*photoCopy) error {
	var sum string
	if cache.enabled() {
		if _, err := f.Seek(0, 0); err != nil {
			return err
		}
		var err error
		if sum, err = sumFile(f); err != nil {
			return err
		}
	}
	for _, c := range copies {
		if c != nil {
			c.key.sum = sum
			c.needed = !cache.get(c.key, c.path)
		}
	}
	return nil
}

// writeCopy writes a copy made from the source, and keeps it in cache.
func writeCopy(cache photoCache, c *photoCopy, data []byte) error {
	if err := writeFile(c.path, data); err != nil {
		return err
	}
	cache.put(c.key, c.path, data)
	return nil
}

// webCopy is src scaled to w×h, encoded in format (png keeps PNG and
// its transparency; anything else is JPEG).
func webCopy(src image.Image, format string, w, h int) ([]byte, error) {
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
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, dst)
	} else {
		err = jpeg.Encode(&buf, dst, &jpeg.Options{Quality: jpegQuality})
	}
	return buf.Bytes(), err
}
