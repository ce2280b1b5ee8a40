package pdf

import (
	"math"

	"github.com/foliopress/folio/issue"
)

// How an article's photo is sized: by its shape. A photo at least
// wideAspect times as wide as it is tall spans both columns; any other
// heads a column at the column's width. Neither is cropped to a fixed
// shape: a photo is trimmed, about its focus, only where it would be
// taller than its frame allows, and never to less than maxTrim of its
// height.
const (
	wideAspect = 1.7
	maxTrim    = 0.72
)

// photoPlan is how a review's photo sits in its article.
type photoPlan struct {
	wide bool // across both columns, under the opening
	col  bool // at the head of a column
}

func (l *layouter) planPhoto(r *issue.Review) photoPlan {
	if r.Photo == nil {
		return photoPlan{}
	}
	pw, ph := l.photoSize(r)
	if pw/ph >= wideAspect {
		return photoPlan{wide: true}
	}
	return photoPlan{col: true}
}

// framePhoto adds a photo scaled to width w with its top-left at (x, y),
// at most maxH tall: a taller photo is trimmed about its focus, down to
// maxTrim of its height, and scaled down beyond that (centred in w). It
// returns the height the photo takes.
func (l *layouter) framePhoto(items *[]Item, r *issue.Review, x, y, w, maxH float64) float64 {
	pw, ph := l.photoSize(r)
	h := w * ph / pw
	fw, fh := w, h // the frame
	if h > maxH {
		fh = max(maxH, h*maxTrim)
		if fh > maxH { // trimmed as far as it goes: scale the rest
			s := maxH / fh
			fw, fh = w*s, maxH
		}
	}
	fx := x + (w-fw)/2
	sw := fw           // the scaled image's width
	sh := sw * ph / pw // and height
	_, dy := r.Photo.FocusPoint().Crop(sw, sh, fw, fh)
	img := Item{Kind: KImage, X: fx, Y: y - dy, W: sw, H: sh}
	if sh-fh > 0.01 {
		img.Clip, img.CX, img.CY, img.CW, img.CH = true, fx, y, fw, fh
	}
	img.Photo = l.photo(r, sw, sh)
	*items = append(*items, img)
	return fh
}

// fillPhoto adds a photo that fills the box x, y, w, h, trimmed about its
// focus to the box's shape (contents thumbnails).
func (l *layouter) fillPhoto(items *[]Item, r *issue.Review, x, y, w, h float64) {
	pw, ph := l.photoSize(r)
	s := math.Max(w/pw, h/ph)
	sw, sh := pw*s, ph*s
	dx, dy := r.Photo.FocusPoint().Crop(sw, sh, w, h)
	*items = append(*items, Item{Kind: KImage, X: x - dx, Y: y - dy, W: sw, H: sh, Photo: l.photo(r, sw, sh),
		Clip: true, CX: x, CY: y, CW: w, CH: h})
}

// photoCaption sets a photo's credit (right-aligned, small) and caption
// under it, in width w from (x, y), as a Caption element of art, and
// returns the y below them.
func (l *layouter) photoCaption(items *[]Item, r *issue.Review, x, y, w float64, art int32) float64 {
	ph := r.Photo
	bottom := y
	if ph.Credit == "" && ph.Caption == "" {
		return bottom
	}
	n := len(*items)
	defer func() { tagItems(*items, n, l.doc.elem("Caption", art)) }()
	if ph.Credit != "" {
		bottom = l.place(items, l.plain(ph.Credit, Sans, 6.5, grey, w), 6.5, 8, x, bottom+1, 1, w, Sans)
	}
	if ph.Caption != "" {
		cl := l.lines([]issue.Inline{{Text: ph.Caption}}, paraStyle{face: SerifItalic, size: 8.5, color: ink}, w)
		bottom = l.place(items, cl, 8.5, 11, x, bottom+1, 0, 0, SerifItalic)
	}
	return bottom
}

// widePhoto places a photo across the text block from y, at most maxH
// tall, with its caption, in article art, and returns the y below.
func (l *layouter) widePhoto(items *[]Item, r *issue.Review, y, maxH float64, art int32) float64 {
	g := l.g
	n := len(*items)
	h := l.framePhoto(items, r, g.left, y, g.textW, maxH)
	tagItems(*items, n, l.figure(r, art))
	return l.photoCaption(items, r, g.left, y+h, g.textW, art)
}

// figure is a Figure element of art for r's photo, described by its alt
// text (or caption).
func (l *layouter) figure(r *issue.Review, art int32) int32 {
	fig := l.doc.elem("Figure", art)
	l.doc.Elems[fig-1].Alt = r.Photo.AltText(r.Title)
	return fig
}

// columnPhoto places a photo at the column's width from (0, 0), at most
// maxH tall, with its credit and caption under it, and returns the
// height used and the photo's own.
func (l *layouter) columnPhoto(items *[]Item, r *issue.Review, maxH float64, art int32) (total, photo float64) {
	w := l.g.colW
	n := len(*items)
	h := l.framePhoto(items, r, 0, 0, w, maxH)
	tagItems(*items, n, l.figure(r, art))
	return l.photoCaption(items, r, 0, h, w, art), h
}
