package markdown

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func encoded(t testing.TB, format string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), uint8(x ^ y), 255})
		}
	}
	var buf bytes.Buffer
	var err error
	switch format {
	case "jpeg":
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80})
	case "png":
		err = png.Encode(&buf, img)
	case "gif":
		err = gif.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCheckImage(t *testing.T) {
	jpg, pngData := encoded(t, "jpeg"), encoded(t, "png")
	flipped := bytes.Clone(pngData)
	flipped[len(flipped)/2] ^= 0x55
	tests := []struct {
		name   string
		data   []byte
		format string
		err    error // nil: any error will do when format is ""
	}{
		{"jpeg", jpg, "jpeg", nil},
		{"png", pngData, "png", nil},
		{"jpeg with trailing bytes", append(bytes.Clone(jpg), "trailer"...), "jpeg", nil},
		{"jpeg cut short", jpg[:len(jpg)-300], "", ErrTruncated},
		{"jpeg without EOI", jpg[:len(jpg)-2], "", ErrTruncated},
		{"png cut short", pngData[:len(pngData)-20], "", nil},
		{"png damaged", flipped, "", ErrCorruptData},
		{"gif", encoded(t, "gif"), "", nil},
		{"text", []byte("this is not a photo"), "", nil},
		{"empty", nil, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			format, cfg, err := checkImage(tc.data, DefaultLimits().PhotoPixels)
			if tc.format != "" {
				if err != nil || format != tc.format || cfg.Width != 64 || cfg.Height != 48 {
					t.Fatalf("checkImage = %q %v %v", format, cfg, err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted a broken image")
			}
			if tc.err != nil && !errors.Is(err, tc.err) {
				t.Errorf("err = %v, want %v", err, tc.err)
			}
		})
	}
}

// TestCheckImageEveryPrefix: no proper prefix of a real photo passes.
func TestCheckImageEveryPrefix(t *testing.T) {
	files, _ := filepath.Glob("../../examples/reviews/*/*.*")
	n := 0
	for _, f := range files {
		ext := filepath.Ext(f)
		if ext != ".jpg" && ext != ".png" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := checkImage(data, DefaultLimits().PhotoPixels); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for cut := 0; cut < len(data); cut += 997 {
			if _, _, err := checkImage(data[:cut], DefaultLimits().PhotoPixels); err == nil {
				t.Fatalf("%s cut at %d of %d passed", f, cut, len(data))
			}
		}
		n++
	}
	if n < 5 {
		t.Fatalf("only %d sample photos found", n)
	}
}

func FuzzCheckImage(f *testing.F) {
	f.Add(encoded(f, "jpeg"))
	f.Add(encoded(f, "png"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, _ = checkImage(data, DefaultLimits().PhotoPixels) // must not panic or hang
	})
}
