package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/foliopress/folio/internal/artifact"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/internal/publish"
	"github.com/foliopress/folio/issue"
)

// Thumbnailer renders one page of a PDF as a PNG.
type Thumbnailer interface {
	Thumbnail(ctx context.Context, pdf []byte, page int) ([]byte, error)
}

// PDFToPPM renders thumbnails with poppler's pdftoppm (Debian
// poppler-utils), at Width pixels wide.
type PDFToPPM struct {
	Width int
}

// Thumbnail runs pdftoppm on the PDF, fed on stdin, for one page.
func (p PDFToPPM) Thumbnail(ctx context.Context, pdf []byte, page int) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	w := p.Width
	if w <= 0 {
		w = 240
	}
	cmd := exec.CommandContext(ctx, "pdftoppm", "-png", "-singlefile", "-f", strconv.Itoa(page), "-l", strconv.Itoa(page),
		"-scale-to-x", strconv.Itoa(w), "-scale-to-y", "-1", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("console: pdftoppm page %d: %w: %s", page, err, strings.TrimSpace(errOut.String()))
	}
	return out.Bytes(), nil
}

// thumbCache keeps rendered page thumbnails by week, page and the PDF's
// time (a rebuild makes new ones).
type thumbCache struct {
	mu    sync.Mutex
	pages map[string][]byte
}

// builtCache keeps the last built issue the email preview loaded (its
// newsletter edition is rendered and its CSS inlined on load: tens of
// milliseconds), by week and the time of its manifest, so a rebuild here
// or anywhere else is seen at the next preview.
type builtCache struct {
	mu   sync.Mutex
	week string
	at   time.Time
	b    *publish.Built
}

// built is the week's built issue, from builtCache when it is current.
func (c *Console) built(ctx context.Context, wk issue.Week) (*publish.Built, error) {
	f, err := c.d.Issues.Open(ctx, wk.String(), artifact.ManifestFile)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	_ = f.Close()
	if err != nil {
		return nil, err
	}
	c.bc.mu.Lock()
	if c.bc.b != nil && c.bc.week == wk.String() && c.bc.at.Equal(fi.ModTime()) {
		b := c.bc.b
		c.bc.mu.Unlock()
		return b, nil
	}
	c.bc.mu.Unlock()
	b, err := c.d.Desk.Built(ctx, wk)
	if err != nil {
		return nil, err
	}
	c.bc.mu.Lock()
	c.bc.week, c.bc.at, c.bc.b = wk.String(), fi.ModTime(), b
	c.bc.mu.Unlock()
	return b, nil
}

// forgetBuilt drops the kept issue (a build here replaced it).
func (c *Console) forgetBuilt() {
	c.bc.mu.Lock()
	c.bc.b = nil
	c.bc.mu.Unlock()
}

// pageCount counts a PDF's pages (its /Type /Page objects).
var pageRE = regexp.MustCompile(`/Type\s*/Page[^s]`)

// previewPage is the preview page's data.
type previewPage struct {
	Week    string
	Pages   []int
	Member  *member.Member
	Email   string // the address searched for
	Part    string // html or text
	Scheme  string // light or dark
	Problem string
	Width   string // desktop or phone
}

// preview shows the built issue: the PDF as page thumbnails and the file,
// the email as a chosen member gets it (HTML or text, light or dark) and
// the web version.
func (c *Console) preview(w http.ResponseWriter, r *http.Request) {
	wk, ok := c.weekOf(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	p := previewPage{Week: wk.String(), Part: oneOf(q.Get("part"), "html", "text"), Scheme: oneOf(q.Get("scheme"), "light", "dark"),
		Width: oneOf(q.Get("width"), "desktop", "phone"), Email: strings.TrimSpace(q.Get("member"))}
	pdf, _, err := c.file(ctx, wk.String(), issue.PDFFile)
	if errors.Is(err, artifact.ErrNotFound) {
		c.message(w, r, http.StatusNotFound, "Not built", "Build the week first; then its previews are here.")
		return
	}
	if err != nil {
		c.fail("preview", err)
		c.message(w, r, http.StatusInternalServerError, "Something went wrong", "The issue could not be read.")
		return
	}
	for i := range len(pageRE.FindAll(pdf, -1)) {
		p.Pages = append(p.Pages, i+1)
	}
	if p.Email != "" {
		m, err := c.d.Directory.MemberByEmail(ctx, p.Email)
		if err != nil {
			p.Problem = fmt.Sprintf("No member has the address %q; the preview shows the sample reader.", p.Email)
		} else {
			p.Member = &m
		}
	}
	c.render(w, r, http.StatusOK, "preview", page{Title: "Preview " + wk.String(), Nav: "weeks", Data: p})
}

func oneOf(v string, allowed ...string) string {
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	return allowed[0]
}

// file reads one file of week's built issue.
func (c *Console) file(ctx context.Context, week, name string) ([]byte, time.Time, error) {
	f, err := c.d.Issues.Open(ctx, week, name)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, time.Time{}, err
	}
	data, err := io.ReadAll(f)
	return data, fi.ModTime(), err
}

// previewHeaders lets the console's own pages frame a preview document
// and keeps everything in it from reaching anywhere: no scripts, images
// only from the magazine's site (as members see them).
func previewHeaders(w http.ResponseWriter, csp string) {
	h := w.Header()
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Security-Policy", csp+"; frame-ancestors 'self'")
	h.Set("Cache-Control", "no-store")
}

// emailDoc is the email as a member (or the sample reader) gets it, for
// the preview's frame: ?member=ID&part=html|text.
func (c *Console) emailDoc(w http.ResponseWriter, r *http.Request) {
	wk, ok := c.weekOf(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	b, err := c.built(ctx, wk)
	if err != nil {
		c.notFound(w, r)
		return
	}
	m := member.Member{Email: "reader@example.org", Name: "Sample Reader", Tier: "digital", Status: member.StatusActive}
	if id, err := strconv.ParseInt(r.URL.Query().Get("member"), 10, 64); err == nil {
		if m, err = c.d.Directory.Member(ctx, id); err != nil {
			c.notFound(w, r)
			return
		}
	}
	msg, err := c.d.Desk.Message(ctx, b, m)
	if err != nil {
		c.fail("email preview", err)
		c.message(w, r, http.StatusInternalServerError, "Something went wrong", "The email could not be rendered.")
		return
	}
	if r.URL.Query().Get("part") == "text" {
		previewHeaders(w, "default-src 'none'")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, msg.Text)
		return
	}
	// The photos come from the built issue, through the console, so the
	// preview shows them before the site serves them.
	doc := strings.ReplaceAll(msg.HTML, strings.TrimRight(b.Issue.BaseURL, "/")+"/issues/"+wk.String()+"/images/", "/admin/weeks/"+wk.String()+"/web/images/")
	if r.URL.Query().Get("scheme") == "dark" {
		// The email's own dark-mode rules, applied as a mail client in dark
		// mode applies them.
		for _, q := range []string{"@media (prefers-color-scheme:dark)", "@media (prefers-color-scheme: dark)"} {
			doc = strings.ReplaceAll(doc, q, "@media all")
		}
	}
	previewHeaders(w, "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: http: data:")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = io.WriteString(w, doc)
}

// webDoc is the built web version, framed by the preview; its photos and
// PDF link resolve under it.
func (c *Console) webDoc(w http.ResponseWriter, r *http.Request) {
	c.serveIssueFile(w, r, issue.WebFile, "text/html; charset=utf-8")
}

func (c *Console) webImage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	ctype := map[string]string{".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}[strings.ToLower(path.Ext(name))]
	if ctype == "" {
		c.notFound(w, r)
		return
	}
	c.serveIssueFile(w, r, path.Join(issue.ImagesDir, name), ctype)
}

func (c *Console) pdfFile(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Disposition", `inline; filename="`+r.PathValue("week")+`.pdf"`)
	c.serveIssueFile(w, r, issue.PDFFile, "application/pdf")
}

// serveIssueFile serves one file of the week's built issue.
func (c *Console) serveIssueFile(w http.ResponseWriter, r *http.Request, name, ctype string) {
	wk, ok := c.weekOf(w, r)
	if !ok {
		return
	}
	f, err := c.d.Issues.Open(r.Context(), wk.String(), name)
	if err != nil {
		c.notFound(w, r)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		c.notFound(w, r)
		return
	}
	previewHeaders(w, "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'")
	w.Header().Set("Content-Type", ctype)
	http.ServeContent(w, r, "", fi.ModTime(), f)
}

// pdfPage is one page of the PDF as a PNG thumbnail.
func (c *Console) pdfPage(w http.ResponseWriter, r *http.Request) {
	wk, ok := c.weekOf(w, r)
	if !ok {
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > 2000 || c.cfg.Thumbnails == nil {
		c.notFound(w, r)
		return
	}
	ctx := r.Context()
	pdf, at, err := c.file(ctx, wk.String(), issue.PDFFile)
	if err != nil {
		c.notFound(w, r)
		return
	}
	key := fmt.Sprintf("%s/%d/%d", wk, at.UnixNano(), n)
	c.thumbs.mu.Lock()
	png, ok := c.thumbs.pages[key]
	c.thumbs.mu.Unlock()
	if !ok {
		if png, err = c.cfg.Thumbnails.Thumbnail(ctx, pdf, n); err != nil {
			c.fail("thumbnail", err)
			c.notFound(w, r)
			return
		}
		c.thumbs.mu.Lock()
		if c.thumbs.pages == nil || len(c.thumbs.pages) > 2000 {
			c.thumbs.pages = map[string][]byte{}
		}
		c.thumbs.pages[key] = png
		c.thumbs.mu.Unlock()
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, _ = w.Write(png)
}
