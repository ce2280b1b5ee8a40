package markdown

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrTooLarge is wrapped by the error about a review or photo over its
// limit: a file too big, or a photo with too many pixels.
var ErrTooLarge = errors.New("too large")

// Limits bound what a review folder can hand a build. Each is checked
// before anything is decoded — file sizes from the file system, pixel
// counts from the image header — so a 60 MB review or a 1 MB PNG of ten
// billion pixels is refused in microseconds instead of exhausting memory.
// A zero field takes its value from DefaultLimits.
type Limits struct {
	ReviewBytes int64 // a review file
	PhotoBytes  int64 // a photo file
	PhotoPixels int64 // a photo's width × height
}

// DefaultLimits are generous for real reviews and photos: a long review
// is some 50 KB; a 45-megapixel camera's photo is some 30 MB of JPEG.
func DefaultLimits() Limits {
	return Limits{ReviewBytes: 1 << 20, PhotoBytes: 64 << 20, PhotoPixels: 40_000_000}
}

// orDefault fills the zero fields of l from DefaultLimits.
func (l Limits) orDefault() Limits {
	d := DefaultLimits()
	if l.ReviewBytes <= 0 {
		l.ReviewBytes = d.ReviewBytes
	}
	if l.PhotoBytes <= 0 {
		l.PhotoBytes = d.PhotoBytes
	}
	if l.PhotoPixels <= 0 {
		l.PhotoPixels = d.PhotoPixels
	}
	return l
}

// readCapped reads the file at path if it is at most limit bytes. The size
// is checked before reading, and the read itself stops past the limit, so
// a file that grows meanwhile cannot slip through.
func readCapped(path string, limit int64, what string) ([]byte, error) {
	return readCappedInto(new(bytes.Buffer), path, limit, what)
}

// readCappedInto is readCapped into buf, whose old contents it drops; the
// bytes returned are buf's, valid until buf is used again.
func readCappedInto(buf *bytes.Buffer, path string, limit int64, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Size() > limit {
		return nil, sizeErr(fi.Size(), limit, what)
	}
	// Sized from Stat, so a photo is read in one allocation (growing a
	// buffer to it was a build's second-largest cost); a file that grew
	// since is still read, and capped, in full.
	buf.Reset()
	buf.Grow(int(fi.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > limit {
		return nil, sizeErr(int64(buf.Len()), limit, what)
	}
	return buf.Bytes(), nil
}

func sizeErr(size, limit int64, what string) error {
	return fmt.Errorf("%w: the file is %s, and a %s may be at most %s", ErrTooLarge, byteSize(size), what, byteSize(limit))
}

// checkPixels refuses a photo whose header promises more pixels than the
// limit: decoding it would need width × height × 4 bytes or more.
func checkPixels(w, h int, limit int64) error {
	if px := int64(w) * int64(h); px > limit {
		return fmt.Errorf("%w: %d×%d pixels is %s, and a photo may have at most %s (decoding it would need %s of memory)",
			ErrTooLarge, w, h, megapixels(px), megapixels(limit), byteSize(px*4))
	}
	return nil
}

func megapixels(px int64) string {
	if px%1_000_000 == 0 {
		return fmt.Sprintf("%d megapixels", px/1_000_000)
	}
	return fmt.Sprintf("%.1f megapixels", float64(px)/1e6)
}

// byteSize prints n in the largest binary unit it reaches.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
