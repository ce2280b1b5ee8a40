package publish

import (
	"fmt"
	"html/template"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/newsletter"
)

// Preview serves a built issue to an editor on localhost: the web version,
// the email as one member gets it (HTML and text) and the PDF, with every
// link and image pointing at the preview itself rather than the public site.
type Preview struct {
	built     *Built
	iss       *issue.Issue
	web       []byte
	msg       newsletter.Message
	recipient newsletter.Recipient
}

// NewPreview renders the built issue for rc as served from baseURL (the
// preview's own address, e.g. "http://127.0.0.1:8081").
func NewPreview(r *newsletter.Renderer, b *Built, rc newsletter.Recipient, baseURL string) (*Preview, error) {
	local := *b.Issue
	local.BaseURL = strings.TrimRight(baseURL, "/")
	ed, err := r.Edition(&local)
	if err != nil {
		return nil, fmt.Errorf("publish: preview: %w", err)
	}
	web, err := ed.WebPage()
	if err != nil {
		return nil, fmt.Errorf("publish: preview: %w", err)
	}
	msg, err := ed.Render(rc)
	if err != nil {
		return nil, fmt.Errorf("publish: preview: %w", err)
	}
	// Embedded photos are cid: references a browser cannot follow; point
	// them at the preview's own copies.
	for _, img := range msg.Inline {
		msg.HTML = strings.ReplaceAll(msg.HTML, "cid:"+img.CID, local.WebURL()+issue.ImagesDir+"/"+img.Name)
	}
	return &Preview{built: b, iss: &local, web: web, msg: msg, recipient: rc}, nil
}

var previewIndex = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Preview · {{.Magazine}} {{.ID}}</title>
<style>body{font:16px/1.5 Georgia,serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}
a{color:#9b1c1c}li{margin:.4rem 0}small{color:#666}</style></head>
<body><h1>{{.Magazine}} · issue {{.Number}} ({{.ID}})</h1>
<p><small>Editor's preview, served from this machine only. Nothing here is sent.</small></p>
<ul>
<li><a href="/email">The email (HTML)</a> <small>as {{.Who}} gets it</small></li>
<li><a href="/email.txt">The email (plain text)</a></li>
<li><a href="{{.Web}}">The web version</a></li>
<li><a href="{{.PDF}}">The PDF issue</a></li>
</ul></body></html>
`))

// Handler serves the preview.
func (p *Preview) Handler() http.Handler {
	mux := http.NewServeMux()
	prefix := "/issues/" + p.iss.ID() + "/"
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		who := p.recipient.Email
		if p.recipient.Name != "" {
			who = p.recipient.Name + " <" + p.recipient.Email + ">"
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = previewIndex.Execute(w, map[string]any{
			"Magazine": p.iss.Magazine, "Number": p.iss.Number, "ID": p.iss.ID(), "Who": who,
			"Web": prefix, "PDF": prefix + issue.PDFFile,
		})
	})
	mux.HandleFunc("GET /email", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(p.msg.HTML))
	})
	mux.HandleFunc("GET /email.txt", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(p.msg.Text))
	})
	mux.HandleFunc("GET "+prefix+"{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(p.web)
	})
	mux.HandleFunc("GET "+prefix+issue.PDFFile, func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join(p.built.Dir, issue.PDFFile))
	})
	// Photos: only the names the issue publishes, never a path from the URL.
	photos := map[string]string{}
	for _, rv := range p.iss.Reviews() {
		if rv.Photo != nil {
			photos[issue.PhotoFile(rv)] = rv.Photo.Path
		}
	}
	mux.HandleFunc("GET "+prefix+issue.ImagesDir+"/{file}", func(w http.ResponseWriter, r *http.Request) {
		path, ok := photos[r.PathValue("file")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if _, err := os.Stat(path); err != nil {
			http.NotFound(w, r)
			return
		}
		http.ServeFile(w, r, path)
	})
	return mux
}
