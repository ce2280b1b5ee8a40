package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foliopress/folio/issue"
)

// TestPhotosAreScaledForEmailAndWeb: a photo wider than the widest slot
// at 2× is published (web version and email alike) scaled down to it, in
// its own format, with the manifest saying so; the built edition's email
// embeds the scaled file. A photo within the limit is copied as it is.
func TestPhotosAreScaledForEmailAndWeb(t *testing.T) {
	dir := t.TempDir()
	draw := func(name string, w, h int) []byte {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x + y), 255})
			}
		}
		var b bytes.Buffer
		var err error
		if strings.HasSuffix(name, ".png") {
			err = png.Encode(&b, img)
		} else {
			err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 95})
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	draw("wide.jpg", 2400, 1600)
	draw("wide.png", 1600, 400)
	small := draw("small.jpg", 640, 480)
	for i, file := range []string{"wide.jpg", "wide.png", "small.jpg"} {
		review := "---\ntitle: Review " + file + "\nsection: Film\npublished: 2026-03-0" + string(rune('3'+i)) +
			"\nphoto:\n  file: " + file + "\n---\nA fine body.\n"
		if err := os.WriteFile(filepath.Join(dir, strings.TrimSuffix(file, filepath.Ext(file))+filepath.Ext(file)[1:]+".md"), []byte(review), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	built, err := newBuilder(t, dir).Build(context.Background(), week10, false)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		format string
		w, h   int
	}{
		"wide.jpg":  {"jpeg", 1472, 981},
		"wide.png":  {"png", 1472, 368},
		"small.jpg": {"jpeg", 640, 480},
	}
	manifest, err := os.ReadFile(filepath.Join(built.Dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var saved issue.Issue
	if err := json.Unmarshal(manifest, &saved); err != nil {
		t.Fatal(err)
	}
	savedBySource := map[string]*issue.Photo{}
	for _, r := range saved.Reviews() {
		savedBySource[filepath.Base(r.Source)] = r.Photo
	}
	for _, r := range built.Issue.Reviews() {
		src := filepath.Base(r.Photo.Path)
		w := want[src]
		published := filepath.Join(built.Dir, issue.ImagesDir, issue.PhotoFile(r))
		data, err := os.ReadFile(published)
		if err != nil {
			t.Fatal(err)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || format != w.format || cfg.Width != w.w || cfg.Height != w.h {
			t.Errorf("%s published as %s %d×%d (%v), want %s %d×%d", src, format, cfg.Width, cfg.Height, err, w.format, w.w, w.h)
		}
		if ph := savedBySource[filepath.Base(r.Source)]; ph == nil || ph.Width != w.w || ph.Height != w.h {
			t.Errorf("%s: manifest says %+v, want %d×%d", src, ph, w.w, w.h)
		}
		if src == "small.jpg" && !bytes.Equal(data, small) {
			t.Errorf("a photo within the limit was re-encoded")
		}
	}
	photos := built.Edition.Photos()
	if len(photos) != 3 {
		t.Fatalf("edition photos %+v", photos)
	}
	for _, p := range photos {
		if filepath.Dir(p.Path) != filepath.Join(built.Dir, issue.ImagesDir) {
			t.Errorf("the email embeds %s, not the published (scaled) photo", p.Path)
		}
	}
}
