package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// UserAgent is sent with every request unless Options.UserAgent says
// otherwise: it names Folio and where to learn what it is.
const UserAgent = "Folio/1.0 (+https://github.com/foliopress/folio; weekly issue builder)"

// Options tune a Client; the zero value of each field is a sensible
// default, except CacheDir, which is required.
type Options struct {
	// CacheDir keeps every response and its validators.
	CacheDir  string
	UserAgent string
	// Timeout bounds one attempt, from dialling to the last byte (30s).
	Timeout time.Duration
	// Attempts is how many times a request is tried in all (4).
	Attempts int
	// Backoff is the wait before the first retry, doubled before each
	// further one up to MaxBackoff (1s, 30s). A Retry-After header is
	// honoured up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
	// PerHost is the most requests a second sent to one host (30), in
	// bursts of at most Burst (15).
	PerHost float64
	Burst   int
	Now     func() time.Time
}

// Request is one URL to fetch.
type Request struct {
	URL string
	// MaxBytes caps the body; a larger one is ErrTooLarge. Required.
	MaxBytes int64
	// AllowPrivate lets the request reach private and loopback addresses.
	AllowPrivate bool
	Accept       string
	// Revalidate asks the server (with a conditional GET) even when the
	// cached copy is still fresh by its headers: a feed is always asked,
	// a photo only once its copy is stale.
	Revalidate bool
}

// Response is a fetched body, from the network or the cache.
type Response struct {
	URL      string // as requested
	FinalURL string // after redirects
	Body     []byte
	// Path is the body's file in the cache; it is replaced, never
	// changed, when the URL's content changes.
	Path        string
	ContentType string
	// Downloaded is false when the body came from the cache: still fresh,
	// or confirmed by a 304 Not Modified.
	Downloaded         bool
	ETag, LastModified string
}

// Client fetches URLs politely; it is safe for concurrent use.
type Client struct {
	opts          Options
	cache         cache
	strict, loose *http.Client

	mu    sync.Mutex
	hosts map[string]*rate.Limiter
}

// New returns a Client with o's settings.
func New(o Options) (*Client, error) {
	if o.CacheDir == "" {
		return nil, errNotCacheable
	}
	if err := os.MkdirAll(o.CacheDir, 0o755); err != nil {
		return nil, fmt.Errorf("fetch: cache: %w", err)
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Timeout, 30*time.Second)
	def(&o.Backoff, time.Second)
	def(&o.MaxBackoff, 30*time.Second)
	if o.Attempts <= 0 {
		o.Attempts = 4
	}
	if o.PerHost <= 0 {
		o.PerHost = 30
	}
	if o.Burst <= 0 {
		o.Burst = 15
	}
	if o.UserAgent == "" {
		o.UserAgent = UserAgent
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	c := &Client{opts: o, cache: cache{dir: o.CacheDir}, hosts: map[string]*rate.Limiter{}}
	c.strict = &http.Client{Transport: politeTransport{c, newTransport(o.Timeout, false)}, CheckRedirect: checkRedirect}
	c.loose = &http.Client{Transport: politeTransport{c, newTransport(o.Timeout, true)}, CheckRedirect: checkRedirect}
	return c, nil
}

// politeTransport waits for the host's rate limit before every request
// that goes on the wire, redirects included; cache hits never wait.
type politeTransport struct {
	c    *Client
	base http.RoundTripper
}

func (t politeTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := t.c.limiter(r.URL.Host).Wait(r.Context()); err != nil {
		return nil, err
	}
	return t.base.RoundTrip(r)
}

func (c *Client) limiter(host string) *rate.Limiter {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.hosts[host]
	if !ok {
		l = rate.NewLimiter(rate.Limit(c.opts.PerHost), c.opts.Burst)
		c.hosts[host] = l
	}
	return l
}

// Get fetches req.URL: from the cache while its copy is fresh (unless
// req.Revalidate), else with a conditional GET, retrying what may pass.
func (c *Client) Get(ctx context.Context, req Request) (*Response, error) {
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, &Error{URL: req.URL, Err: err}
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, &Error{URL: req.URL, Err: ErrScheme}
	}
	if req.MaxBytes <= 0 {
		return nil, &Error{URL: req.URL, Err: errors.New("fetch: no size limit given")}
	}
	cached, body := c.cache.load(req.URL)
	if cached != nil && !req.Revalidate && c.opts.Now().Before(cached.FreshUntil) {
		return cached.response(req.URL, body, c.cache, false), nil
	}
	for attempt := 1; ; attempt++ {
		resp, status, wait, err := c.attempt(ctx, req, cached, body)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, &Error{URL: req.URL, Status: status, Attempts: attempt, Err: ctx.Err()}
		}
		if isTimeout(err) {
			err = fmt.Errorf("timed out after %s: %w", c.opts.Timeout, err)
		}
		ferr := &Error{URL: req.URL, Status: status, Attempts: attempt, Err: err}
		if !ferr.Temporary() || attempt >= c.opts.Attempts {
			return nil, ferr
		}
		if wait <= 0 {
			wait = c.backoff(attempt)
		}
		select {
		case <-time.After(min(wait, c.opts.MaxBackoff)):
		case <-ctx.Done():
			return nil, &Error{URL: req.URL, Status: status, Attempts: attempt, Err: ctx.Err()}
		}
	}
}

// isTimeout reports an attempt that ran out of time, however the
// transport words it.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// backoff is the wait before retry n (1-based): Backoff doubled n-1
// times, ±25% so that many clients do not retry in step.
func (c *Client) backoff(n int) time.Duration {
	d := c.opts.Backoff << min(n-1, 16)
	d = min(d, c.opts.MaxBackoff)
	return time.Duration(float64(d) * (0.75 + rand.Float64()/2))
}

// attempt makes one request. It returns the HTTP status of a failed
// answer (0 when none came) and how long the server asked us to wait.
func (c *Client) attempt(ctx context.Context, req Request, cached *entry, cachedBody []byte) (*Response, int, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, req.URL, nil)
	if err != nil {
		return nil, 0, 0, err
	}
	hreq.Header.Set("User-Agent", c.opts.UserAgent)
	if req.Accept != "" {
		hreq.Header.Set("Accept", req.Accept)
	}
	if cached != nil {
		if cached.ETag != "" {
			hreq.Header.Set("If-None-Match", cached.ETag)
		}
		if cached.LastModified != "" {
			hreq.Header.Set("If-Modified-Since", cached.LastModified)
		}
	}
	hc := c.strict
	if req.AllowPrivate {
		hc = c.loose
	}
	resp, err := hc.Do(hreq)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // the URL is named by Error
		}
		return nil, 0, 0, err
	}
	defer resp.Body.Close()
	now := c.opts.Now()
	switch {
	case resp.StatusCode == http.StatusNotModified && cached != nil:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		cached.FreshUntil = freshUntil(resp.Header, now)
		if et := resp.Header.Get("ETag"); et != "" {
			cached.ETag = et
		}
		if err := c.cache.storeEntry(req.URL, cached); err != nil {
			return nil, 0, 0, err
		}
		return cached.response(req.URL, cachedBody, c.cache, false), 0, 0, nil
	case resp.StatusCode == http.StatusOK:
		return c.download(req, resp, now)
	default:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, resp.StatusCode, retryAfter(resp.Header, now), ErrStatus
	}
}

// download reads a 200 answer's body, at most req.MaxBytes of it, and
// keeps it in the cache.
func (c *Client) download(req Request, resp *http.Response, now time.Time) (*Response, int, time.Duration, error) {
	if resp.ContentLength > req.MaxBytes {
		return nil, 0, 0, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, resp.ContentLength, req.MaxBytes)
	}
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, req.MaxBytes+1))
	if err != nil {
		return nil, 0, 0, err
	}
	if n > req.MaxBytes {
		return nil, 0, 0, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, req.MaxBytes)
	}
	body := buf.Bytes()
	f, err := c.cache.tempBody(req.URL)
	if err != nil {
		return nil, 0, 0, err
	}
	_, err = f.Write(body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return nil, 0, 0, fmt.Errorf("fetch: cache: %w", err)
	}
	if _, err := c.cache.storeBody(req.URL, f.Name()); err != nil {
		_ = os.Remove(f.Name())
		return nil, 0, 0, err
	}
	e := &entry{
		URL: redacted(req.URL), FinalURL: redacted(resp.Request.URL.String()),
		ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"),
		ContentType: resp.Header.Get("Content-Type"), Stored: now,
		FreshUntil: freshUntil(resp.Header, now), Size: n, SHA256: digest(body),
	}
	if err := c.cache.storeEntry(req.URL, e); err != nil {
		return nil, 0, 0, err
	}
	return e.response(req.URL, body, c.cache, true), 0, 0, nil
}

func (e *entry) response(url string, body []byte, c cache, downloaded bool) *Response {
	_, path := c.paths(url)
	final := e.FinalURL
	if final == redacted(url) {
		final = url
	}
	return &Response{
		URL: url, FinalURL: final, Body: body, Path: path, ContentType: e.ContentType,
		Downloaded: downloaded, ETag: e.ETag, LastModified: e.LastModified,
	}
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return t.Sub(now)
	}
	return 0
}
