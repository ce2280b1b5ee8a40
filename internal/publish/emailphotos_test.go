package publish

import (
	"context"
	"image"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/foliopress/folio/issue"
)

// TestEmailPhotosFitTheirSlots: every photo the email shows is a file of
// the issue's images folder at most twice as wide as its slot (a 1200 px
// original is never sent for a 184 px card), and the cards have their
// scaled copies.
func TestEmailPhotosFitTheirSlots(t *testing.T) {
	b := newBuilder(t, sampleReviews)
	built, err := b.Build(context.Background(), week10, false)
	if err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(filepath.Join(built.Dir, EmailHTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	imgs := regexp.MustCompile(`<img[^>]*\bsrc="([^"]+)"[^>]*\bwidth="(\d+)"`).FindAllStringSubmatch(string(html), -1)
	prefix := built.Issue.ImageURL("")
	cards := 0
	for _, m := range imgs {
		src, slot := m[1], m[2]
		if !strings.HasPrefix(src, prefix) {
			continue // the masthead, a tracking-free spacer
		}
		name := path.Base(src)
		f, err := os.Open(filepath.Join(built.Dir, issue.ImagesDir, name))
		if err != nil {
			t.Errorf("the email shows %s, which the issue does not have: %v", name, err)
			continue
		}
		cfg, _, err := image.DecodeConfig(f)
		_ = f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		w, _ := strconv.Atoi(slot)
		if cfg.Width > 2*w {
			t.Errorf("%s is %d px wide for a %d px slot", name, cfg.Width, w)
		}
		if w == 184 {
			cards++
			if !strings.HasSuffix(name, "-368w.jpg") || cfg.Width != 368 {
				t.Errorf("card photo %s is %d px wide, want a 368 px copy", name, cfg.Width)
			}
		}
	}
	if cards < 3 {
		t.Fatalf("the sample email has %d card photos, want at least 3:\n%d images", cards, len(imgs))
	}
	// Embedded photos are scaled the same way.
	ed := built.Edition
	inline, err := readInline(ed.Photos())
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range ed.Photos() {
		cfg, _, err := image.DecodeConfig(strings.NewReader(string(inline[img.CID])))
		if err != nil {
			t.Fatalf("%s: %v", img.Name, err)
		}
		if img.Width > 0 && cfg.Width != img.Width || cfg.Width > 1200 {
			t.Errorf("embedded %s is %d px wide, want %d", img.Name, cfg.Width, img.Width)
		}
	}
}
