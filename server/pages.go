package server

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
)

//go:embed pages/*.html
var pageFiles embed.FS

// The server's own pages; each is the layout with its "content".
var pageNames = []string{"confirm", "done", "archive", "message", "manage"}

type pages struct{ t map[string]*template.Template }

// loadPages parses the embedded pages once, at New.
func loadPages() (*pages, error) {
	base, err := template.ParseFS(pageFiles, "pages/layout.html")
	if err != nil {
		return nil, fmt.Errorf("server: pages: %w", err)
	}
	p := &pages{t: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(pageFiles, "pages/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("server: page %s: %w", name, err)
		}
		p.t[name] = t
	}
	return p, nil
}

// page is what every page shows; Data carries the page's own fields.
type page struct {
	Title    string
	Magazine string
}

// confirmPage asks before unsubscribing; donePage says it is done.
type confirmPage struct {
	page
	Email string
}

// messagePage is a short notice: an error, the home page.
type messagePage struct {
	page
	Heading, Text string
}

// render executes a page into a buffer first, so a template error becomes
// a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages.t[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.fail("render "+name, err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	privatePage(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// message renders a short notice page with status.
func (s *Server) message(w http.ResponseWriter, status int, heading, text string) {
	s.render(w, status, "message", messagePage{
		page:    page{Title: heading, Magazine: s.cfg.Magazine},
		Heading: heading, Text: text,
	})
}

func (s *Server) home(w http.ResponseWriter, _ *http.Request) {
	s.message(w, http.StatusOK, s.cfg.Magazine,
		"This server delivers the weekly issue. Your personal archive and unsubscribe links are in every email.")
}
