package epub

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // photos may be PNG
	"os"

	"golang.org/x/image/draw"

	"github.com/foliopress/folio/issue"
)

// A photo larger than maxSide pixels on its longer side, or than
// maxBytes, is scaled down to maxSide for the book: a reader's screen has
// no use for more, and Send to Kindle takes at most 50 MB a mail.
const (
	maxSide  = 1600
	maxBytes = 2 << 20
	jpegQ    = 85
)

// photo is a review's photo as the book carries it.
type photo struct {
	r     *issue.Review
	id    string // manifest id
	href  string // path inside OEBPS
	mime  string
	alt   string
	width int
}

func (b *book) collectPhotos() error {
	for _, r := range b.iss.Reviews() {
		if r.Photo == nil {
			continue
		}
		p := &photo{r: r, id: "photo-" + r.Slug, alt: r.Photo.AltText(r.Title), width: r.Photo.Width}
		p.href, p.mime = "images/"+r.Slug+".jpg", "image/jpeg"
		if r.Photo.Format == "png" && !p.scaled() {
			p.href, p.mime = "images/"+r.Slug+".png", "image/png"
		}
		b.photos = append(b.photos, p)
		if r == b.iss.Lead() {
			b.cover = p
		}
	}
	return nil
}

// scaled reports whether the photo is scaled down for the book.
func (p *photo) scaled() bool {
	ph := p.r.Photo
	if max(ph.Width, ph.Height) > maxSide {
		return true
	}
	fi, err := os.Stat(ph.Path)
	return err == nil && fi.Size() > maxBytes
}

// scaledCopy is the photo scaled down to maxSide, as JPEG.
func (p *photo) scaledCopy() ([]byte, error) {
	data, err := os.ReadFile(p.r.Photo.Path)
	if err != nil {
		return nil, fmt.Errorf("epub: review %s: photo %s: %w", p.r.Source, p.r.Photo.Path, err)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("epub: review %s: photo %s: %w", p.r.Source, p.r.Photo.Path, err)
	}
	b := img.Bounds()
	s := float64(maxSide) / float64(max(b.Dx(), b.Dy()))
	if s > 1 {
		s = 1
	}
	w, h := max(1, int(float64(b.Dx())*s+0.5)), max(1, int(float64(b.Dy())*s+0.5))
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.BiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: jpegQ}); err != nil {
		return nil, fmt.Errorf("epub: review %s: photo %s: %w", p.r.Source, p.r.Photo.Path, err)
	}
	return buf.Bytes(), nil
}
