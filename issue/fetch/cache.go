package fetch

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// entry is what the cache keeps about one URL beside its body file.
type entry struct {
	URL          string    `json:"url"`
	FinalURL     string    `json:"final_url"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	ContentType  string    `json:"content_type,omitempty"`
	Stored       time.Time `json:"stored"`
	FreshUntil   time.Time `json:"fresh_until"`
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"`
}

// cache is a folder of responses: for each URL, KEY.json (the entry) and
// KEY.body, where KEY is the SHA-256 of the URL. Both are written to a
// temporary file and renamed, so a crash leaves either version whole; the
// entry records the body's size and digest, so a body and an entry that do
// not belong together are noticed and the URL fetched again.
type cache struct{ dir string }

func (c cache) key(url string) string {
	sum := sha256.Sum256([]byte(url))
	return hex.EncodeToString(sum[:])
}

func (c cache) paths(url string) (meta, body string) {
	k := c.key(url)
	base := filepath.Join(c.dir, k[:2], k)
	return base + ".json", base + ".body"
}

// load returns the entry and body of url, or nil when the cache has no
// whole copy.
func (c cache) load(url string) (*entry, []byte) {
	metaPath, bodyPath := c.paths(url)
	data, err := os.ReadFile(metaPath)
	if err != nil {
		return nil, nil
	}
	var e entry
	if json.Unmarshal(data, &e) != nil || e.URL != redacted(url) {
		return nil, nil
	}
	body, err := os.ReadFile(bodyPath)
	if err != nil || int64(len(body)) != e.Size || digest(body) != e.SHA256 {
		return nil, nil
	}
	return &e, body
}

// storeBody moves the downloaded body at tmp into place.
func (c cache) storeBody(url, tmp string) (string, error) {
	_, bodyPath := c.paths(url)
	if err := os.Rename(tmp, bodyPath); err != nil {
		return "", fmt.Errorf("fetch: cache: %w", err)
	}
	return bodyPath, nil
}

func (c cache) storeEntry(url string, e *entry) error {
	metaPath, _ := c.paths(url)
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("fetch: cache: %w", err)
	}
	return writeAtomic(metaPath, data)
}

// tempBody creates the file a download is written to, in the folder its
// body will be renamed into.
func (c cache) tempBody(url string) (*os.File, error) {
	_, bodyPath := c.paths(url)
	if err := os.MkdirAll(filepath.Dir(bodyPath), 0o755); err != nil {
		return nil, fmt.Errorf("fetch: cache: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(bodyPath), ".download-*")
	if err != nil {
		return nil, fmt.Errorf("fetch: cache: %w", err)
	}
	return f, nil
}

func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("fetch: cache: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".entry-*")
	if err != nil {
		return fmt.Errorf("fetch: cache: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("fetch: cache: %w", err)
	}
	return nil
}

// redacted is url as the cache writes it down: an API key in the query
// (Ghost's Content API takes one) never reaches a file.
func redacted(raw string) string {
	u, err := neturl.Parse(raw)
	if err != nil || !u.Query().Has("key") {
		return raw
	}
	q := u.Query()
	q.Set("key", "REDACTED")
	u.RawQuery = q.Encode()
	return u.String()
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// freshUntil is how long a response may be used without asking again
// (RFC 9111 §4.2): max-age, else Expires, else a tenth of the time since
// Last-Modified, at most a day. no-cache and no-store make it stale at once.
func freshUntil(h http.Header, now time.Time) time.Time {
	cc := strings.ToLower(h.Get("Cache-Control"))
	if strings.Contains(cc, "no-cache") || strings.Contains(cc, "no-store") {
		return now
	}
	for _, d := range strings.Split(cc, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(d), "max-age="); ok {
			if s, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64); err == nil && s >= 0 {
				return now.Add(time.Duration(min(s, 365*24*3600)) * time.Second)
			}
		}
	}
	date := now
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		date = d
	}
	if exp := h.Get("Expires"); exp != "" {
		t, err := http.ParseTime(exp)
		if err != nil || !t.After(date) {
			return now
		}
		return now.Add(t.Sub(date))
	}
	if lm, err := http.ParseTime(h.Get("Last-Modified")); err == nil && lm.Before(date) {
		return now.Add(min(date.Sub(lm)/10, 24*time.Hour))
	}
	return now
}
