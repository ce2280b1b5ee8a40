package markdown

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foliopress/folio/issue"
)

func TestPhotoAltAndFocus(t *testing.T) {
	head := "---\ntitle: Almodóvar's \"Tango\"\nsection: Stage\npublished: 2026-03-03\nphoto:\n  file: p.jpg\n  caption: \"The set's lamp\"\n"
	tests := []struct {
		name      string
		extra     string
		wantAlt   string
		wantFocus *issue.Focus
		wantErr   []string
	}{
		{"none", "", "", nil, nil},
		{"alt and top", "  alt: A lighthouse's lamp, lit, over a dark sea\n  focus: top\n", "A lighthouse’s lamp, lit, over a dark sea", &issue.Focus{X: 0.5, Y: 0}, nil},
		{"a point", "  focus: 0.25, 0.75\n", "", &issue.Focus{X: 0.25, Y: 0.75}, nil},
		{"bad focus", "  focus: upper\n", "", nil, []string{"bad.md:8", "photo.focus", `"upper"`, "top, center, bottom or x,y"}},
		{"focus off the photo", "  focus: 2,0\n", "", nil, []string{"bad.md:8", "photo.focus", "from 0 to 1"}},
		{"unknown photo field", "  alt_text: x\n", "", nil, []string{"bad.md:8", "photo.alt_text", "known: file, caption, credit, alt, focus"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "bad.md", head+tc.extra+"---\nBody.\n")
			writeJPEG(t, filepath.Join(dir, "p.jpg"))
			res, err := NewSource(dir, newYork, nil).Collect(context.Background(), w10, false)
			if tc.wantErr != nil {
				if err == nil {
					t.Fatal("collected without error")
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r := res.Reviews[0]
			if r.Title != "Almodóvar’s “Tango”" || r.Photo.Caption != "The set’s lamp" {
				t.Errorf("front matter text not curled: %q, %q", r.Title, r.Photo.Caption)
			}
			if r.Photo.Alt != tc.wantAlt {
				t.Errorf("alt = %q, want %q", r.Photo.Alt, tc.wantAlt)
			}
			if (r.Photo.Focus == nil) != (tc.wantFocus == nil) || (tc.wantFocus != nil && *r.Photo.Focus != *tc.wantFocus) {
				t.Errorf("focus = %v, want %v", r.Photo.Focus, tc.wantFocus)
			}
		})
	}
}
