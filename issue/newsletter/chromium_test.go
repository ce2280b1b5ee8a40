package newsletter

import (
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foliopress/folio/internal/chromiumtest"
	"github.com/foliopress/folio/issue"
)

var artifacts = flag.String("artifacts", filepath.Join(os.TempDir(), "folio-artifacts", "newsletter"),
	"folder for the screenshots the browser tests take")

// loadAll makes lazy images load now and waits for every image.
const loadAll = `Promise.all([...document.images].map(i => { i.loading = "eager"; return i.decode().catch(() => null); })).then(() => "true")`

// pageProbe measures a loaded page: its widths, the rendered titles and
// any element that sticks out to the right.
const pageProbe = `JSON.stringify((() => {
  const d = document.documentElement;
  const titles = [...document.querySelectorAll(".title, .lead-title")].map(e => {
    const r = e.getBoundingClientRect();
    return {text: e.textContent.trim(), width: r.width, height: r.height};
  });
  const wide = [...document.body.querySelectorAll("*")]
    .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > d.clientWidth + 0.5)
    .slice(0, 8).map(e => e.tagName.toLowerCase() + "." + e.className);
  const images = [...document.images].map(i => ({src: i.currentSrc, loaded: i.complete && i.naturalWidth > 0}));
  return {scrollWidth: d.scrollWidth, clientWidth: d.clientWidth, height: d.scrollHeight,
    dark: matchMedia("(prefers-color-scheme: dark)").matches,
    background: getComputedStyle(document.body).backgroundColor, titles, wide, images};
})())`

type probe struct {
	ScrollWidth, ClientWidth, Height int
	Dark                             bool
	Background                       string
	Titles                           []struct {
		Text          string
		Width, Height float64
	}
	Wide   []string
	Images []struct {
		Src    string
		Loaded bool
	}
}

// publishSite serves an issue the way the web side will: the web page at
// /issues/{week}/, photos under images/, and the email beside them.
func publishSite(t *testing.T, n int) (*Edition, string) {
	t.Helper()
	site := t.TempDir()
	srv := httptest.NewServer(http.FileServer(http.Dir(site)))
	t.Cleanup(srv.Close)
	iss := testIssue(t, t.TempDir(), n)
	iss.BaseURL = srv.URL
	e, err := newRenderer(t, Options{}).Edition(iss)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(site, "issues", iss.ID())
	if err := os.MkdirAll(filepath.Join(dir, issue.ImagesDir), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range e.Photos() {
		data, err := os.ReadFile(p.Path)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, issue.ImagesDir, p.Name), data)
	}
	web, err := e.WebPage()
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, issue.WebFile), web)
	msg, err := e.Render(member("Ana María López"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "email.html"), []byte(msg.HTML))
	return e, iss.WebURL()
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestInChromium(t *testing.T) {
	_, base := publishSite(t, 12)
	b := chromiumtest.Start(t)
	if err := os.MkdirAll(*artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		page  string
		width int
		dark  bool
	}{
		{"index.html", 375, false},
		{"index.html", 1280, false},
		{"index.html", 375, true},
		{"email.html", 375, false},
		{"email.html", 375, true},
		{"email.html", 800, false},
		{"email.html", 800, true},
	}
	for _, tc := range tests {
		name := fmt.Sprintf("%s-%d", strings.TrimSuffix(tc.page, ".html"), tc.width)
		if tc.dark {
			name += "-dark"
		}
		t.Run(name, func(t *testing.T) {
			b.Bind(t)
			b.Viewport(tc.width, 900, tc.dark)
			b.Open(base + tc.page)
			var done bool
			b.Eval(loadAll, &done)
			var p probe
			b.Eval(pageProbe, &p)
			if p.ClientWidth != tc.width {
				t.Fatalf("viewport is %d px wide, want %d", p.ClientWidth, tc.width)
			}
			if p.ScrollWidth > p.ClientWidth {
				t.Errorf("page overflows: %d px of content in %d px; wide elements: %v", p.ScrollWidth, p.ClientWidth, p.Wide)
			}
			if p.Dark != tc.dark {
				t.Errorf("dark scheme %v, want %v", p.Dark, tc.dark)
			}
			rendered := map[string]bool{}
			for _, ti := range p.Titles {
				rendered[ti.Text] = ti.Width > 0 && ti.Height > 0
			}
			for _, f := range fixtureReviews() {
				if !rendered[f.title] {
					t.Errorf("title %q is not rendered", f.title)
				}
			}
			for _, img := range p.Images {
				if !img.Loaded {
					t.Errorf("image %s did not load", img.Src)
				}
			}
			if len(p.Images) != 11 {
				t.Errorf("%d images, want 11", len(p.Images))
			}
			shot := b.Screenshot(tc.width, min(p.Height, 12000))
			path := filepath.Join(*artifacts, name+".png")
			writeFile(t, path, shot)
			t.Logf("%s: %d×%d px, background %s, screenshot %s", name, p.ClientWidth, p.Height, p.Background, path)
			if tc.page == "email.html" && tc.width == 375 && !tc.dark && *update {
				// The README's picture: the top of the email on a phone.
				top := b.Screenshot(tc.width, 1400)
				if len(top) < 300*1024 {
					writeFile(t, filepath.Join("testdata", "screenshots", "email-375.png"), top)
				}
			}
		})
	}
	b.Bind(t)
}
