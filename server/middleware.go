package server

import (
	"net/http"
	"strings"
)

// pageCSP is the policy of the server's own pages: no scripts at all,
// inline styles only, forms posting back to this origin.
const pageCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// baseHeaders sets the headers every response carries. No Referer leaves
// the site: the archive and unsubscribe URLs carry a member's token.
func baseHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses a declared oversized body at once and caps the rest
// (chunked bodies) as they are read.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.deps.Console != nil && strings.HasPrefix(r.URL.Path, "/admin/") {
			next.ServeHTTP(w, r) // the console caps its own bodies (an import is larger)
			return
		}
		if r.ContentLength > s.cfg.MaxBody {
			w.Header().Set("Connection", "close")
			if strings.HasPrefix(r.URL.Path, "/api/") {
				writeJSON(w, http.StatusRequestEntityTooLarge, apiError{"request body too large"})
				return
			}
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
		next.ServeHTTP(w, r)
	})
}

// privatePage marks a response that shows a member's own data: never
// cached by a shared cache, never framed, no scripts.
func privatePage(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", pageCSP)
}
