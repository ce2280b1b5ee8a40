// Package sitetest serves a magazine's website for tests, on loopback:
// a WordPress RSS feed at /feed/, an Atom feed at /atom.xml, a JSON Feed
// at /feed.json, the WordPress REST API at /wp-json/wp/v2/posts (dates,
// pages, _embed), the Ghost Content API at /ghost/api/content/posts/
// (with GhostKey) and the photos they name, every answer with an ETag and
// a Last-Modified, so conditional GETs get real 304s. The pages are in
// site/, written in the shapes these formats really have, with {{BASE}}
// standing for the server's address. A test can edit, break or slow any
// address, and count what was asked and what was sent.
package sitetest

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"hash/fnv"
	"image"
	"image/jpeg"
	"image/png"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

//go:embed site
var siteFS embed.FS

// The Ghost Content API's posts endpoint, and the key it wants.
const (
	ghostPath = "/ghost/api/content/posts/"
	GhostKey  = "8a1f2e3d4c5b6a7980abcdef12"
)

// Modified is the Last-Modified of every fixed page and photo.
var Modified = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Site is the running website.
type Site struct {
	*httptest.Server

	mu     sync.Mutex
	pages  map[string]page // by path and query: "/feed/", "/feed/?paged=2"
	fails  map[string]int  // path → status to answer with
	delays map[string]time.Duration

	requests, bodies atomic.Int64
}

type page struct {
	body        []byte
	contentType string
	modified    time.Time
	photo       bool // drawn on first request
}

// New starts the site; it is closed when the test ends.
func New(t testing.TB) *Site {
	t.Helper()
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts the site outside a test (the benchmark script's server);
// Close stops it.
func Start() (*Site, error) {
	s := &Site{pages: map[string]page{}, fails: map[string]int{}, delays: map[string]time.Duration{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	files := map[string]string{
		"/feed/":     "site/feed.xml",
		"/atom.xml":  "site/atom.xml",
		"/feed.json": "site/feed.json",
		wpPostsPath:  "site/wp-posts.json",
		ghostPath:    "site/ghost-posts.json",
	}
	types := map[string]string{
		"/feed/": "application/rss+xml; charset=UTF-8", "/atom.xml": "application/atom+xml",
		"/feed.json": "application/feed+json", wpPostsPath: "application/json; charset=UTF-8",
		ghostPath: "application/json; charset=utf-8",
	}
	for p, file := range files {
		data, err := fs.ReadFile(siteFS, file)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.pages[p] = page{body: s.based(data), contentType: types[p], modified: Modified}
	}
	for _, p := range []string{
		"/wp-content/uploads/2026/03/cartographers-daughter.jpg",
		"/wp-content/uploads/2026/03/salt-ceremony-1024x683.jpg",
		"/wp-content/uploads/2026/03/salt-ceremony-rehearsal.jpg",
		"/wp-content/uploads/2026/03/low-tide-radio.jpg",
		"/wp-content/uploads/2026/03/quiet-index.png",
		"/wp-content/uploads/2026/03/harbor-lights.jpg",
		"/wp-content/uploads/2026/03/rooms-rumours.jpg",
		"/media/quartet.jpg",
		"/media/paper-lanterns.jpg",
		"/content/images/2026/03/orchard-hours.jpg",
	} {
		s.AddPhoto(p)
	}
	return s, nil
}

// based puts the server's address in for {{BASE}}.
func (s *Site) based(data []byte) []byte {
	return bytes.ReplaceAll(data, []byte("{{BASE}}"), []byte(s.URL))
}

// Page returns what the site serves at p (path and query).
func (s *Site) Page(p string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pages[p].body
}

// Set serves body at p from now on ({{BASE}} is replaced), as edited now.
func (s *Site) Set(p string, body []byte, contentType string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[p] = page{body: s.based(body), contentType: contentType, modified: time.Now().UTC().Truncate(time.Second)}
}

// Edit replaces old with new in the page at p, as an editor's change.
func (s *Site) Edit(t testing.TB, p, old, new string) {
	t.Helper()
	s.mu.Lock()
	pg := s.pages[p]
	s.mu.Unlock()
	if !bytes.Contains(pg.body, []byte(old)) {
		t.Fatalf("sitetest: %s does not contain %q", p, old)
	}
	s.Set(p, bytes.Replace(pg.body, []byte(old), []byte(new), 1), pg.contentType)
}

// Fail makes p (a path, any query) answer with status; 0 heals it.
func (s *Site) Fail(p string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails[p] = status
}

// Delay makes p answer only after d (or when the client gives up).
func (s *Site) Delay(p string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delays[p] = d
}

// Requests is how many requests the site has answered; Bodies how many
// of them sent a body (a 200 to a GET), rather than a 304 or an error.
func (s *Site) Requests() int64 { return s.requests.Load() }
func (s *Site) Bodies() int64   { return s.bodies.Load() }

// AddPhoto serves a photo generated for p (JPEG, or PNG for .png): 480×320
// pixels, its colours drawn from the path, so every photo differs. It is
// drawn when first asked for.
func (s *Site) AddPhoto(p string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ct := "image/jpeg"
	if strings.HasSuffix(p, ".png") {
		ct = "image/png"
	}
	s.pages[p] = page{contentType: ct, modified: Modified, photo: true}
}

// drawPhoto makes the bytes of the photo at p.
func drawPhoto(p string) []byte {
	h := fnv.New32a()
	h.Write([]byte(p))
	seed := h.Sum32()
	const w, ht = 480, 320
	img := image.NewRGBA(image.Rect(0, 0, w, ht))
	r0, g0, b0 := uint8(seed)/2, uint8(seed>>8)/2, uint8(seed>>16)/2
	for y := range ht {
		row := img.Pix[y*img.Stride:]
		for x := range w {
			i := x * 4
			dx, dy := x-w/2, y-ht*2/3
			if dx*dx+dy*dy < 70*70 {
				row[i], row[i+1], row[i+2] = 250, 220-uint8(y/8), 160
			} else {
				row[i], row[i+1], row[i+2] = r0+uint8(y/3), g0+uint8(x/6), b0+uint8((x+y)/8)
			}
			row[i+3] = 255
		}
	}
	var buf bytes.Buffer
	if strings.HasSuffix(p, ".png") {
		_ = png.Encode(&buf, img)
	} else {
		_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80})
	}
	return buf.Bytes()
}

func (s *Site) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.mu.Lock()
	status, delay := s.fails[r.URL.Path], s.delays[r.URL.Path]
	key := r.URL.RequestURI()
	if r.URL.Path == wpPostsPath || r.URL.Path == ghostPath {
		key = r.URL.Path
	}
	pg, ok := s.pages[key]
	if !ok {
		key = r.URL.Path
		pg, ok = s.pages[key]
		if r.URL.RawQuery != "" && strings.HasPrefix(r.URL.Path, "/feed") {
			ok = false // WordPress answers 404 past a feed's last page
		}
	}
	if ok && pg.photo && pg.body == nil {
		pg.body = drawPhoto(key)
		s.pages[key] = pg
	}
	s.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if status != 0 {
		http.Error(w, http.StatusText(status), status)
		return
	}
	if r.URL.Path == wpPostsPath {
		s.servePosts(w, r, pg)
		return
	}
	if r.URL.Path == ghostPath && r.URL.Query().Get("key") != GhostKey {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"errors":[{"message":"Unknown Content API Key","type":"UnauthorizedError"}]}`))
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.send(w, r, pg)
}

// send serves a page with its validators; http.ServeContent answers the
// conditional requests.
func (s *Site) send(w http.ResponseWriter, r *http.Request, pg page) {
	sum := sha256.Sum256(pg.body)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	w.Header().Set("Content-Type", pg.contentType)
	cw := &countingWriter{ResponseWriter: w}
	http.ServeContent(cw, r, path.Base(r.URL.Path), pg.modified, bytes.NewReader(pg.body))
	if cw.status == http.StatusOK && r.Method == http.MethodGet {
		s.bodies.Add(1)
	}
}

type countingWriter struct {
	http.ResponseWriter
	status int
}

func (c *countingWriter) WriteHeader(code int) {
	c.status = code
	c.ResponseWriter.WriteHeader(code)
}

func (c *countingWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.ResponseWriter.Write(b)
}
