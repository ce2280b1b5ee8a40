package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"

	"golang.org/x/image/draw"

	"github.com/foliopress/folio/issue"
)

// ErrImageFormat is wrapped by errors about a photo that is not a JPEG or
// PNG, or that fpdf cannot embed even after conversion.
var ErrImageFormat = errors.New("pdf: unsupported image format")

// printDPI is the resolution photos are kept at; a photo with more than
// oversample times the pixels its printed size needs is downscaled.
const (
	printDPI   = 200.0
	oversample = 2.5
	jpegQ      = 85
)

func photoErr(ref PhotoRef, err error) error {
	return fmt.Errorf("pdf: review %s: photo %s: %w", ref.Source, ref.Path, err)
}

// photoConfig reads a photo's header: its format and size.
func photoConfig(path string) (image.Config, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return image.Config{}, "", err
	}
	defer f.Close()
	cfg, format, err := image.DecodeConfig(f)
	if err != nil {
		return cfg, format, err
	}
	if format != "jpeg" && format != "png" {
		return cfg, format, fmt.Errorf("%w: %s (want jpeg or png)", ErrImageFormat, format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return cfg, format, fmt.Errorf("%w: empty image %dx%d", ErrImageFormat, cfg.Width, cfg.Height)
	}
	return cfg, format, nil
}

// preparePhoto returns the bytes fpdf embeds for a photo and their type:
// the file itself when it is fit to print, otherwise a downscaled or
// converted copy. Conversion is deterministic, so builds stay identical.
func preparePhoto(ref PhotoRef) ([]byte, string, error) {
	data, err := os.ReadFile(ref.Path)
	if err != nil {
		return nil, "", photoErr(ref, err)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", photoErr(ref, err)
	}
	if format != "jpeg" && format != "png" {
		return nil, "", photoErr(ref, fmt.Errorf("%w: %s (want jpeg or png)", ErrImageFormat, format))
	}
	maxW, maxH := ref.maxPixels()
	tooBig := ref.tooBig(cfg.Width, cfg.Height)
	needsConvert := (format == "jpeg" && cfg.ColorModel == color.CMYKModel) || (format == "png" && !fpdfPNG(data))
	if !tooBig && !needsConvert {
		return data, format, nil
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", photoErr(ref, err)
	}
	if tooBig {
		s := max(float64(maxW)/float64(cfg.Width), float64(maxH)/float64(cfg.Height))
		w, h := max(1, int(float64(cfg.Width)*s+0.5)), max(1, int(float64(cfg.Height)*s+0.5))
		dst := image.NewNRGBA(image.Rect(0, 0, w, h))
		draw.BiLinear.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
		img = dst
	} else if format == "png" || cfg.ColorModel == color.CMYKModel {
		dst := image.NewNRGBA(img.Bounds())
		draw.Draw(dst, dst.Bounds(), img, img.Bounds().Min, draw.Src)
		img = dst
	}
	var buf bytes.Buffer
	if format == "png" {
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQ})
	}
	if err != nil {
		return nil, "", photoErr(ref, err)
	}
	return buf.Bytes(), format, nil
}

// maxPixels is the most pixels the photo needs at its printed size.
func (ref PhotoRef) maxPixels() (w, h int) {
	return int(ref.PrintW / 72 * printDPI), int(ref.PrintH / 72 * printDPI)
}

// tooBig reports whether a photo of w×h pixels has so many more than its
// printed size needs that it is downscaled.
func (ref PhotoRef) tooBig(w, h int) bool {
	maxW, maxH := ref.maxPixels()
	return float64(w) > oversample*float64(maxW) && float64(h) > oversample*float64(maxH)
}

// embedsAsIs reports whether fpdf embeds the photo's file as it is, with
// no need to read it now: a JPEG that is not CMYK and not too big, as its
// header (read while laying out) says.
func (ref PhotoRef) embedsAsIs() bool {
	return ref.rgbJPEG && !ref.tooBig(ref.Width, ref.Height)
}

// fpdfPNG reports whether fpdf can embed a PNG as it is: 8 bits or fewer
// per channel and not interlaced (IHDR bytes 24 and 28).
func fpdfPNG(data []byte) bool {
	if len(data) < 29 || string(data[12:16]) != "IHDR" {
		return false
	}
	return data[24] <= 8 && data[28] == 0
}

// photo registers a review's photo at a printed size and returns its index.
func (l *layouter) photo(r *issue.Review, w, h float64) int {
	ph := r.Photo
	i, ok := l.photos[ph.Path]
	if !ok {
		i = len(l.doc.Photos)
		l.photos[ph.Path] = i
		hd := l.heads[ph.Path]
		l.doc.Photos = append(l.doc.Photos, PhotoRef{Path: ph.Path, Source: r.Source, Format: ph.Format, Width: hd.w, Height: hd.h, rgbJPEG: hd.rgbJPEG})
	}
	ref := &l.doc.Photos[i]
	ref.PrintW = math.Max(ref.PrintW, w)
	ref.PrintH = math.Max(ref.PrintH, h)
	return i
}

// checkPhotos reads every photo's header before anything is laid out, so
// a missing or undecodable photo fails the build naming its review.
func (l *layouter) checkPhotos() error {
	for _, r := range l.iss.Reviews() {
		if r.Photo == nil {
			continue
		}
		cfg, format, err := photoConfig(r.Photo.Path)
		if err != nil {
			return photoErr(PhotoRef{Source: r.Source, Path: r.Photo.Path}, err)
		}
		l.heads[r.Photo.Path] = photoHead{w: cfg.Width, h: cfg.Height, rgbJPEG: format == "jpeg" && cfg.ColorModel != color.CMYKModel}
	}
	return nil
}

// photoSize is a review's photo size in pixels, as its file says.
func (l *layouter) photoSize(r *issue.Review) (w, h float64) {
	hd := l.heads[r.Photo.Path]
	return float64(hd.w), float64(hd.h)
}

// photoHead is what a photo file's header says.
type photoHead struct {
	w, h    int
	rgbJPEG bool // a JPEG, not CMYK
}
