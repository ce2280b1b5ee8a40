package markdown

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// pngHeader is a PNG whose header claims w×h pixels, with a token IDAT:
// enough for the header check, which must refuse it before any decoding.
func pngHeader(w, h uint32) []byte {
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&buf, binary.BigEndian, uint32(len(data)))
		buf.WriteString(typ)
		buf.Write(data)
		_ = binary.Write(&buf, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0 // 8-bit grayscale
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return buf.Bytes()
}

func TestLimitsRefuseBeforeDecoding(t *testing.T) {
	review := "---\ntitle: T\nsection: Film\npublished: 2026-03-03\nphoto:\n  file: p.png\n---\nBody.\n"
	tests := []struct {
		name   string
		limits Limits
		setup  func(t *testing.T, dir string)
		want   []string
	}{
		{"bomb of 100000x100000 pixels", Limits{}, func(t *testing.T, dir string) {
			writeFile(t, dir, "p.png", string(pngHeader(100000, 100000)))
		}, []string{"bad.md:6", "photo.file", "p.png", "100000×100000 pixels", "10000 megapixels", "at most 40 megapixels"}},
		{"pixels over a lowered limit", Limits{PhotoPixels: 1000}, func(t *testing.T, dir string) {
			writeFile(t, dir, "p.png", string(encoded(t, "png")))
		}, []string{"photo.file", "64×48 pixels", "at most 0.0 megapixels"}},
		{"photo file too big", Limits{PhotoBytes: 100}, func(t *testing.T, dir string) {
			writeFile(t, dir, "p.png", string(encoded(t, "png")))
		}, []string{"photo.file", "a photo may be at most 100 bytes"}},
		{"review file too big", Limits{ReviewBytes: 4 << 10}, func(t *testing.T, dir string) {
			writeFile(t, dir, "p.png", string(encoded(t, "png")))
			writeFile(t, dir, "bad.md", review+strings.Repeat("A long review. ", 1000))
		}, []string{"bad.md", "the file is 14.7 KiB", "a review may be at most 4.0 KiB"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "bad.md", review)
			tc.setup(t, dir)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := NewSource(dir, newYork, nil).WithLimits(tc.limits).Collect(context.Background(), w10, false)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrTooLarge) || !errors.Is(err, ErrInvalidReview) {
				t.Fatalf("err = %v, want ErrTooLarge in a review error", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
				t.Errorf("refusing allocated %d MB: something was decoded", n>>20)
			}
		})
	}
	// Within the limits, the same review is collected.
	dir := t.TempDir()
	writeFile(t, dir, "ok.md", review)
	writeFile(t, dir, "p.png", string(encoded(t, "png")))
	if _, err := NewSource(dir, newYork, nil).WithLimits(Limits{PhotoPixels: 64 * 48}).Collect(context.Background(), w10, false); err != nil {
		t.Fatal(err)
	}
}

func TestPhotoStaysInsideContentFolder(t *testing.T) {
	outside := t.TempDir()
	writeJPEG(t, filepath.Join(outside, "secret.jpg"))
	abs := filepath.Join(outside, "secret.jpg")
	tests := []struct {
		name, file string
		want       []string
	}{
		{"absolute path", abs, []string{"photo.file", "is an absolute path"}},
		{"climbs out", "../../" + filepath.Base(outside) + "/secret.jpg", []string{"photo.file", `leaves the review's folder with ".."`}},
		{"climbs within", "../film/lantern.jpg", []string{"photo.file", `".."`}},
		{"hidden climb", "a/../../lantern.jpg", []string{"photo.file", `".."`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "reviews")
			writeFile(t, root, "film/lantern.md", strings.Replace(goodReview, "file: lantern.jpg", "file: "+tc.file, 1))
			writeJPEG(t, filepath.Join(root, "film", "lantern.jpg"))
			_, err := NewSource(root, newYork, nil).Collect(context.Background(), w10, false)
			if err == nil {
				t.Fatalf("photo %q outside the review's folder was accepted", tc.file)
			}
			for _, w := range append(tc.want, "lantern.md:") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	// A photo in a folder below the review is fine.
	root := t.TempDir()
	writeFile(t, root, "film/lantern.md", strings.Replace(goodReview, "file: lantern.jpg", "file: photos/lantern.jpg", 1))
	if err := os.MkdirAll(filepath.Join(root, "film", "photos"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeJPEG(t, filepath.Join(root, "film", "photos", "lantern.jpg"))
	if _, err := NewSource(root, newYork, nil).Collect(context.Background(), w10, false); err != nil {
		t.Fatal(err)
	}
}

func TestSymlinkedFolderIsFollowedWithWarning(t *testing.T) {
	root := t.TempDir()
	shared := t.TempDir()
	writeFile(t, root, "film/a.md", "---\ntitle: Here\nsection: Film\npublished: 2026-03-03\n---\nBody.\n")
	writeFile(t, shared, "b.md", "---\ntitle: Linked\nsection: Stage\npublished: 2026-03-04\n---\nBody.\n")
	if err := os.Symlink(shared, filepath.Join(root, "stage")); err != nil {
		t.Fatal(err)
	}
	// A link back into the content folder must not read anything twice,
	// nor loop.
	if err := os.Symlink(root, filepath.Join(root, "film", "loop")); err != nil {
		t.Fatal(err)
	}
	res, err := NewSource(root, newYork, nil).Collect(context.Background(), w10, false)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, r := range res.Reviews {
		titles = append(titles, r.Title)
	}
	if strings.Join(titles, ",") != "Here,Linked" {
		t.Errorf("collected %v, want the review behind the symlinked folder too", titles)
	}
	all := strings.Join(res.Notes, "\n")
	if !strings.Contains(all, filepath.Join(root, "stage")+": a symlinked folder, followed to") {
		t.Errorf("no warning for the followed folder: %q", all)
	}
	if !strings.Contains(all, "loop: a symlinked folder leading to") || !strings.Contains(all, "not read twice") {
		t.Errorf("no warning for the loop: %q", all)
	}
}
