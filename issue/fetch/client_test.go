package fetch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// newClient is a client for loopback tests: quick retries, no rate limit
// worth waiting for.
func newClient(t *testing.T, mod func(*Options)) *Client {
	t.Helper()
	o := Options{CacheDir: t.TempDir(), Backoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond, Timeout: 2 * time.Second, PerHost: 1000, Burst: 100}
	if mod != nil {
		mod(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func get(c *Client, u string) (*Response, error) {
	return c.Get(context.Background(), Request{URL: u, MaxBytes: 1 << 20, AllowPrivate: true, Revalidate: true})
}

func TestConditionalGet(t *testing.T) {
	tests := []struct {
		name   string
		header func(w http.ResponseWriter)
		match  func(r *http.Request) bool
	}{
		{"etag", func(w http.ResponseWriter) { w.Header().Set("ETag", `"v1"`) },
			func(r *http.Request) bool { return r.Header.Get("If-None-Match") == `"v1"` }},
		{"last-modified", func(w http.ResponseWriter) { w.Header().Set("Last-Modified", "Mon, 02 Mar 2026 10:00:00 GMT") },
			func(r *http.Request) bool {
				return r.Header.Get("If-Modified-Since") == "Mon, 02 Mar 2026 10:00:00 GMT"
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var full, notModified atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !strings.HasPrefix(r.Header.Get("User-Agent"), "Folio/") {
					t.Errorf("User-Agent %q does not name Folio", r.Header.Get("User-Agent"))
				}
				if tc.match(r) {
					notModified.Add(1)
					w.WriteHeader(http.StatusNotModified)
					return
				}
				full.Add(1)
				tc.header(w)
				_, _ = fmt.Fprint(w, "<rss>the body</rss>")
			}))
			defer srv.Close()
			c := newClient(t, nil)
			first, err := get(c, srv.URL+"/feed")
			if err != nil || !first.Downloaded || string(first.Body) != "<rss>the body</rss>" {
				t.Fatalf("first = %+v, %v", first, err)
			}
			second, err := get(c, srv.URL+"/feed")
			if err != nil || second.Downloaded || string(second.Body) != "<rss>the body</rss>" {
				t.Fatalf("second = %+v, %v", second, err)
			}
			if full.Load() != 1 || notModified.Load() != 1 {
				t.Errorf("server sent %d bodies and %d 304s, want 1 and 1", full.Load(), notModified.Load())
			}
			data, err := os.ReadFile(second.Path)
			if err != nil || string(data) != "<rss>the body</rss>" {
				t.Errorf("cached file %s: %q %v", second.Path, data, err)
			}
		})
	}
}

// TestFreshCopyAsksNobody: a photo whose copy is fresh by its headers is
// served from the cache without a request; a stale one is revalidated.
func TestFreshCopyAsksNobody(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/max-age.jpg":
			w.Header().Set("Cache-Control", "public, max-age=3600")
		case "/heuristic.jpg": // ten days old: fresh for a day
			w.Header().Set("Last-Modified", time.Now().Add(-240*time.Hour).UTC().Format(http.TimeFormat))
		case "/no-cache.jpg":
			w.Header().Set("Cache-Control", "no-cache")
		}
		_, _ = fmt.Fprint(w, "pixels")
	}))
	defer srv.Close()
	c := newClient(t, nil)
	for _, tc := range []struct {
		path  string
		fresh bool
	}{{"/max-age.jpg", true}, {"/heuristic.jpg", true}, {"/no-cache.jpg", false}} {
		req := Request{URL: srv.URL + tc.path, MaxBytes: 100, AllowPrivate: true}
		if _, err := c.Get(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		before := hits.Load()
		r, err := c.Get(context.Background(), req)
		if err != nil || string(r.Body) != "pixels" {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if asked := hits.Load() > before; asked == tc.fresh {
			t.Errorf("%s: asked the server again = %v, want %v", tc.path, asked, !tc.fresh)
		}
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name     string
		fail     int // how many answers fail before a 200
		status   int
		ok       bool
		attempts int32
	}{
		{"500 then ok", 2, 500, true, 3},
		{"503 always", 99, 503, false, 4},
		{"429 then ok", 1, 429, true, 2},
		{"404 is final", 99, 404, false, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if int(n.Add(1)) <= tc.fail {
					w.Header().Set("Retry-After", "0")
					http.Error(w, "no", tc.status)
					return
				}
				_, _ = fmt.Fprint(w, "ok")
			}))
			defer srv.Close()
			_, err := get(newClient(t, nil), srv.URL+"/feed")
			if (err == nil) != tc.ok || n.Load() != tc.attempts {
				t.Fatalf("err = %v after %d requests, want ok=%v after %d", err, n.Load(), tc.ok, tc.attempts)
			}
			if err != nil {
				var fe *Error
				if !errors.As(err, &fe) || fe.Status != tc.status || !strings.Contains(err.Error(), srv.URL+"/feed") {
					t.Errorf("error %v does not name the URL and status %d", err, tc.status)
				}
			}
		})
	}
}

func TestTimeoutIsRetriedThenNamed(t *testing.T) {
	var n atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c := newClient(t, func(o *Options) { o.Timeout = 50 * time.Millisecond; o.Attempts = 2 })
	_, err := get(c, srv.URL+"/slow")
	var fe *Error
	if !errors.As(err, &fe) || !fe.Temporary() || !strings.Contains(err.Error(), "timed out after 50ms") || n.Load() != 2 {
		t.Fatalf("err = %v after %d requests", err, n.Load())
	}
}

func TestSizeLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			w.(http.Flusher).Flush() // no Content-Length
		}
		_, _ = fmt.Fprint(w, strings.Repeat("x", 2000))
	}))
	defer srv.Close()
	c := newClient(t, nil)
	for _, p := range []string{"/sized", "/chunked"} {
		_, err := c.Get(context.Background(), Request{URL: srv.URL + p, MaxBytes: 1000, AllowPrivate: true})
		var fe *Error
		if !errors.Is(err, ErrTooLarge) || !errors.As(err, &fe) || fe.Temporary() || fe.Attempts != 1 {
			t.Errorf("%s: err = %v", p, err)
		}
	}
	if r, err := c.Get(context.Background(), Request{URL: srv.URL + "/sized", MaxBytes: 2000, AllowPrivate: true}); err != nil || len(r.Body) != 2000 {
		t.Errorf("a body of exactly the limit: %v", err)
	}
}

func TestRedirects(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		if _, err := fmt.Sscanf(r.URL.Path, "/hop/%d", &n); err == nil && n > 0 {
			http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
			return
		}
		if r.URL.Path == "/to-ftp" {
			http.Redirect(w, r, "ftp://example.org/feed", http.StatusMovedPermanently)
			return
		}
		_, _ = fmt.Fprint(w, "arrived")
	}))
	defer srv.Close()
	c := newClient(t, nil)
	if r, err := get(c, srv.URL+"/hop/5"); err != nil || string(r.Body) != "arrived" || !strings.HasSuffix(r.FinalURL, "/hop/0") {
		t.Fatalf("5 redirects: %v", err)
	}
	if _, err := get(c, srv.URL+"/hop/6"); !errors.Is(err, ErrRedirects) {
		t.Errorf("6 redirects: err = %v", err)
	}
	if _, err := get(c, srv.URL+"/to-ftp"); !errors.Is(err, ErrScheme) {
		t.Errorf("redirect to ftp: err = %v", err)
	}
	if _, err := get(c, "file:///etc/passwd"); !errors.Is(err, ErrScheme) {
		t.Errorf("file URL: err = %v", err)
	}
}

func TestPrivateAddressesRefused(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c := newClient(t, nil)
	for _, u := range []string{srv.URL + "/feed", strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/feed"} {
		_, err := c.Get(context.Background(), Request{URL: u, MaxBytes: 100})
		var fe *Error
		if !errors.Is(err, ErrPrivate) || !errors.As(err, &fe) || fe.Temporary() || fe.Attempts != 1 {
			t.Errorf("%s: err = %v", u, err)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests reached a loopback server", hits.Load())
	}
	if _, err := c.Get(context.Background(), Request{URL: srv.URL + "/feed", MaxBytes: 100, AllowPrivate: true}); err != nil || hits.Load() != 1 {
		t.Errorf("allow_private: %v", err)
	}
}

func TestPublic(t *testing.T) {
	for addr, want := range map[string]bool{
		"93.184.215.14": true, "2606:4700::6810:84e5": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "100.64.0.1": false, "0.0.0.0": false, "::1": false,
		"fe80::1": false, "fc00::1": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false,
		"224.0.0.1": false, "255.255.255.255": false,
	} {
		if got := Public(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Public(%s) = %v, want %v", addr, got, want)
		}
	}
}

// TestRateLimitPerHost: requests to one host are spaced by the limit;
// the lower bound cannot flake, however slow the machine.
func TestRateLimitPerHost(t *testing.T) {
	var mu sync.Mutex
	var times []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
	}))
	defer srv.Close()
	c := newClient(t, func(o *Options) { o.PerHost = 20; o.Burst = 1 })
	start := time.Now()
	for i := range 5 {
		if _, err := get(c, fmt.Sprintf("%s/p%d", srv.URL, i)); err != nil {
			t.Fatal(err)
		}
	}
	if el := time.Since(start); el < 4*45*time.Millisecond {
		t.Errorf("5 requests at 20/s took %v", el)
	}
}

// TestDamagedCacheIsRefetched: a body that does not match its entry is
// never served.
func TestDamagedCacheIsRefetched(t *testing.T) {
	var full atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"a"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full.Add(1)
		w.Header().Set("ETag", `"a"`)
		_, _ = fmt.Fprint(w, "good body")
	}))
	defer srv.Close()
	c := newClient(t, nil)
	r, err := get(c, srv.URL+"/x")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(r.Path, []byte("bad body!"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err = get(c, srv.URL+"/x")
	if err != nil || string(r.Body) != "good body" || full.Load() != 2 {
		t.Fatalf("body %q, %d full downloads, %v", r.Body, full.Load(), err)
	}
}

// TestKeyNeverCached: an API key in a URL's query is not written to the
// cache folder, and the cached copy still serves.
func TestKeyNeverCached(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"k"`)
		if r.Header.Get("If-None-Match") == `"k"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		_, _ = fmt.Fprint(w, `{"posts":[]}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	c := newClient(t, func(o *Options) { o.CacheDir = dir })
	u := srv.URL + "/ghost/api/content/posts/?key=0123456789abcdef0123&page=1"
	for range 2 {
		r, err := get(c, u)
		if err != nil || string(r.Body) != `{"posts":[]}` || r.URL != u {
			t.Fatalf("%+v %v", r, err)
		}
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := os.ReadFile(p)
		if strings.Contains(string(data), "0123456789abcdef0123") {
			t.Errorf("%s holds the key", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
