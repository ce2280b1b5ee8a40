package pdf

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestPreparePhotoDownscalesOversizedPhotos(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.jpg")
	writePhoto(t, path, 1200, 800, 1)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name           string
		printW, printH float64 // points
		wantW          int     // 0: passed through unchanged
	}{
		{"one inch wide", 72, 48, 200},
		{"fits its print size", 432, 288, 0},
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

// TestCoverPhotoPrintSize checks the cover registers the size it prints
// its photo at, which decides whether drawing downscales the file
// (TestPreparePhotoDownscalesOversizedPhotos): a photo more than 2.5 times
// the pixels the page's width needs at 200 dpi is downscaled, one within
// that is embedded as it is.
func TestCoverPhotoPrintSize(t *testing.T) {
	iss := shapesIssue(t, [][2]int{{2400, 1600}})
	doc, err := Layout(iss, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ref := doc.Photos[0]
	if math.Abs(ref.PrintW-612) > 0.5 {
		t.Fatalf("the cover prints its photo %.1f pt wide, want the page's 612", ref.PrintW)
	}
	if w, _ := ref.maxPixels(); w != 1700 {
		t.Errorf("the cover needs %d pixels across, want 1700 (612 pt at 200 dpi)", w)
	}
	if ref.tooBig(2400, 1600) || !ref.tooBig(4400, 2933) {
		t.Errorf("2400 px embedded as is: %v; 4400 px downscaled: %v", !ref.tooBig(2400, 1600), ref.tooBig(4400, 2933))
	}
}
