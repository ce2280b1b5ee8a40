package pdf

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestPreparePhotoDownscalesOversizedPhotos(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.jpg")
	writePhoto(t, path, 2400, 1600, 1)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name           string
		printW, printH float64 // points
		wantW          int     // 0: passed through unchanged
	}{
		{"two inches wide", 144, 96, 400},
		{"fits its print size", 864, 576, 0},
	}
	for _, tt := range tests {
		data, format, err := preparePhoto(PhotoRef{Path: path, Source: "r.md", PrintW: tt.printW, PrintH: tt.printH})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if format != "jpeg" {
			t.Errorf("%s: format %q, want jpeg", tt.name, format)
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if tt.wantW == 0 {
			if !bytes.Equal(data, orig) {
				t.Errorf("%s: photo was re-encoded, want it passed through", tt.name)
			}
			continue
		}
		if cfg.Width != tt.wantW || len(data) >= len(orig)/4 {
			t.Errorf("%s: got %dx%d in %d bytes, want %d wide and much smaller than %d bytes", tt.name, cfg.Width, cfg.Height, len(data), tt.wantW, len(orig))
		}
	}
}

func TestPreparePhotoConvertsPNGsFpdfCannotRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "deep.png")
	img := image.NewNRGBA64(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	img.Set(0, 0, color.NRGBA64{R: 65535, A: 65535})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if fpdfPNG(buf.Bytes()) {
		t.Fatal("test image is not 16-bit")
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	data, format, err := preparePhoto(PhotoRef{Path: path, PrintW: 40, PrintH: 30})
	if err != nil {
		t.Fatal(err)
	}
	if format != "png" || !fpdfPNG(data) {
		t.Errorf("converted PNG (%s) is still not one fpdf reads", format)
	}
}

func TestHugeCoverPhotoIsDownscaled(t *testing.T) {
	dir := t.TempDir()
	iss := testIssue(t, dir)
	lead := iss.Lead()
	// A 2400×1600 photo: flat colour blocks keep it quick to make.
	img := image.NewRGBA(image.Rect(0, 0, 2400, 1600))
	for i := range 8 {
		c := color.RGBA{uint8(30 * i), uint8(200 - 20*i), 120, 255}
		draw.Draw(img, image.Rect(i*300, 0, i*300+300, 1600), image.NewUniform(c), image.Point{}, draw.Src)
	}
	f, err := os.Create(lead.Photo.Path)
	if err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	lead.Photo.Width, lead.Photo.Height = 2400, 1600
	var buf bytes.Buffer
	if err := Typeset(&buf, iss, Options{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "issue.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// The cover prints the photo the page's width, 612 pt: 1700 pixels at
	// 200 dpi, where the file has 2400.
	widest := 0
	for _, ln := range strings.Split(tool(t, "pdfimages", "-list", path), "\n")[2:] {
		f := strings.Fields(ln)
		if len(f) > 4 && f[2] == "image" {
			w, _ := strconv.Atoi(f[3])
			widest = max(widest, w)
		}
	}
	if widest < 1650 || widest > 1750 {
		t.Errorf("the widest embedded image is %d pixels, want the cover at about 1700", widest)
	}
}
