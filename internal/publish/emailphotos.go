package publish

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"os"
	"path/filepath"

	// Photos are JPEG or PNG; both decoders are wanted for scaling.
	_ "image/png"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/newsletter"
)

// writeEmailPhotos writes the email copies (newsletter.EmailPhoto) an
// issue built before Folio made them lacks, beside its photos in dir:
// the cards' 184 px slots get 368 px copies instead of the originals.
// Copies already there are left alone. A build makes them with the web
// copies, in publishPhotos. Photos are scaled on every core.
func writeEmailPhotos(iss *issue.Issue, dir string) error {
	var missing []*issue.Review
	for _, r := range iss.Reviews() {
		if r.Photo == nil {
			continue
		}
		name, width := newsletter.EmailPhoto(iss, r)
		if width == 0 {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			continue
		}
		missing = append(missing, r)
	}
	return eachPhoto(missing, func(r *issue.Review) error {
		name, width := newsletter.EmailPhoto(iss, r)
		data, err := scalePhoto(r.Photo.Path, width)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name), data, 0o644)
	})
}

// scalePhoto reads the photo at path and returns it as a JPEG width
// pixels wide, its aspect kept, each pixel the average of the source
// pixels it covers (an area average: right for shrinking, and cheap —
// a kernel resampler took seconds a photo under the race detector).
// A transparent PNG is put over white. Photos were checked against the
// megapixel limit when the review was read, so the decode is bounded.
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
	data, err := emailJPEG(src, width)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}

// emailJPEG is src as scalePhoto returns it: a JPEG width pixels wide
// (at most src's), each pixel an area average, transparency over white.
func emailJPEG(src image.Image, width int) ([]byte, error) {
	b := src.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 {
		return nil, errors.New("empty image")
	}
	width = min(width, b.Dx())
	height := max(1, (b.Dy()*width+b.Dx()/2)/b.Dx())
	var out image.Image
	if yc, ok := src.(*image.YCbCr); ok {
		out = shrinkYCbCr(yc, width, height)
	} else {
		rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(rgba, rgba.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
		draw.Draw(rgba, rgba.Rect, src, b.Min, draw.Over)
		dst := image.NewRGBA(image.Rect(0, 0, width, height))
		for c := range 4 {
			shrink(rgba.Pix[c:], b.Dx(), b.Dy(), rgba.Stride, 4, dst.Pix[c:], width, height, dst.Stride, 4)
		}
		out = dst
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: jpegQuality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// shrinkYCbCr is yc scaled down to width×height by area average, plane
// by plane, in its own subsampling.
func shrinkYCbCr(yc *image.YCbCr, width, height int) *image.YCbCr {
	b := yc.Rect
	dst := image.NewYCbCr(image.Rect(0, 0, width, height), yc.SubsampleRatio)
	sc, dc := chromaSize(yc.Rect, yc.SubsampleRatio), chromaSize(dst.Rect, dst.SubsampleRatio)
	shrink(yc.Y[yc.YOffset(b.Min.X, b.Min.Y):], b.Dx(), b.Dy(), yc.YStride, 1, dst.Y, width, height, dst.YStride, 1)
	co := yc.COffset(b.Min.X, b.Min.Y)
	shrink(yc.Cb[co:], sc.X, sc.Y, yc.CStride, 1, dst.Cb, dc.X, dc.Y, dst.CStride, 1)
	shrink(yc.Cr[co:], sc.X, sc.Y, yc.CStride, 1, dst.Cr, dc.X, dc.Y, dst.CStride, 1)
	return dst
}

// chromaSize is the size of an image's chroma planes.
func chromaSize(r image.Rectangle, ratio image.YCbCrSubsampleRatio) image.Point {
	w, h := r.Dx(), r.Dy()
	switch ratio {
	case image.YCbCrSubsampleRatio422:
		return image.Pt((w+1)/2, h)
	case image.YCbCrSubsampleRatio420:
		return image.Pt((w+1)/2, (h+1)/2)
	case image.YCbCrSubsampleRatio440:
		return image.Pt(w, (h+1)/2)
	case image.YCbCrSubsampleRatio411:
		return image.Pt((w+3)/4, h)
	case image.YCbCrSubsampleRatio410:
		return image.Pt((w+3)/4, (h+1)/2)
	}
	return image.Pt(w, h)
}

// shrink writes into dst (dw×dh samples, step bytes apart, rows stride
// apart) the area average of src (sw×sh), one channel of it: each
// destination sample averages the source block it covers.
func shrink(src []byte, sw, sh, sstride, sstep int, dst []byte, dw, dh, dstride, dstep int) {
	if dw <= 0 || dh <= 0 || sw <= 0 || sh <= 0 {
		return
	}
	sums := make([]uint32, dw)
	counts := make([]uint32, dw)
	for oy := range dh {
		y0, y1 := oy*sh/dh, max(oy*sh/dh+1, (oy+1)*sh/dh)
		clear(sums)
		clear(counts)
		for y := y0; y < y1; y++ {
			row := src[y*sstride:]
			for ox := range dw {
				x0, x1 := ox*sw/dw, max(ox*sw/dw+1, (ox+1)*sw/dw)
				var s uint32
				for x := x0; x < x1; x++ {
					s += uint32(row[x*sstep])
				}
				sums[ox] += s
				counts[ox] += uint32(x1 - x0)
			}
		}
		drow := dst[oy*dstride:]
		for ox := range dw {
			drow[ox*dstep] = byte((sums[ox] + counts[ox]/2) / counts[ox])
		}
	}
}
