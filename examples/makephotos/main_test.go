package main

import (
	"bytes"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// reviewsDir is the sample's reviews folder, seen from this package.
const reviewsDir = "../reviews"

// maxTotalBytes keeps the committed sample images small enough for the
// repository and an email attachment.
const maxTotalBytes = 1_500_000

func decode(t *testing.T, data []byte) (image.Image, string) {
	t.Helper()
	img, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return img, format
}

// meanDiff is the mean absolute difference of two images' channels, 0–255.
func meanDiff(a, b image.Image) float64 {
	var sum float64
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, _ := a.At(x, y).RGBA()
			br, bg, bb, _ := b.At(x, y).RGBA()
			sum += math.Abs(float64(ar)-float64(br)) + math.Abs(float64(ag)-float64(bg)) + math.Abs(float64(ab)-float64(bb))
		}
	}
	return sum / float64(3*r.Dx()*r.Dy()) / 257
}

// TestCommittedPhotosAreCurrent redraws every photo and compares it with
// the file committed beside its review, so a changed scene cannot ship
// with stale images. Pixels are compared with a small tolerance rather
// than bytes, so a new JPEG encoder or floating-point fusion on another
// CPU does not fail the test.
func TestCommittedPhotosAreCurrent(t *testing.T) {
	total := 0
	for _, p := range photos() {
		if st, err := os.Stat(filepath.Join(reviewsDir, p.File)); err == nil {
			total += int(st.Size())
		}
	}
	if total > maxTotalBytes {
		t.Errorf("sample photos total %d bytes, budget %d", total, maxTotalBytes)
	}
	for _, p := range photos() {
		t.Run(p.File, func(t *testing.T) {
			t.Parallel()
			committed, err := os.ReadFile(filepath.Join(reviewsDir, p.File))
			if err != nil {
				t.Fatalf("%v (run `go run ./examples/makephotos` from the module root)", err)
			}
			img, got := decode(t, committed)
			if want := format(p.File); got != want {
				t.Errorf("format %s, want %s", got, want)
			}
			if b := img.Bounds(); b.Dx() != Width || b.Dy() != Height {
				t.Fatalf("size %dx%d, want %dx%d", b.Dx(), b.Dy(), Width, Height)
			}
			fresh, err := draw(p)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(fresh, committed) {
				return
			}
			redrawn, _ := decode(t, fresh)
			if d := meanDiff(img, redrawn); d > 0.5 {
				t.Errorf("committed image differs from a fresh drawing by %.2f per channel: regenerate it", d)
			}
		})
	}
}

func TestHashIsFixedAndInRange(t *testing.T) {
	tests := []struct{ a, b []int }{
		{[]int{0}, []int{1}},
		{[]int{1, 2}, []int{2, 1}},
		{[]int{-3, 7, 9}, []int{-3, 7, 8}},
	}
	for _, tt := range tests {
		ha, hb := hash(tt.a...), hash(tt.b...)
		if ha != hash(tt.a...) {
			t.Errorf("hash(%v) changed between calls", tt.a)
		}
		if ha == hb {
			t.Errorf("hash(%v) == hash(%v) = %v", tt.a, tt.b, ha)
		}
		for _, h := range []float64{ha, hb} {
			if h < 0 || h >= 1 {
				t.Errorf("hash out of [0,1): %v", h)
			}
		}
	}
}

func TestDistances(t *testing.T) {
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"circle centre", circle(0, 0, 0, 0, 1), -1},
		{"circle outside", circle(3, 4, 0, 0, 1), 4},
		{"box inside", box(0.5, 0.5, 0, 0, 1, 1), -0.5},
		{"box beside", box(2, 0.5, 0, 0, 1, 1), 1},
		{"box corner", box(4, 5, 0, 0, 1, 1), 5},
		{"segment middle", segment(1, 1, 0, 0, 2, 0), 1},
		{"segment past end", segment(5, 4, 0, 0, 2, 0), 5},
	}
	for _, tt := range tests {
		if math.Abs(tt.got-tt.want) > 1e-12 {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}
