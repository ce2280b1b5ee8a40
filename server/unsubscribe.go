package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/foliopress/folio/internal/links"
	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/store"
)

// member verifies the request's {token} for purpose and loads its member.
// On failure it has written the response (403 for any bad token, 404 for
// a member no longer in the store) and returns false.
func (s *Server) member(w http.ResponseWriter, r *http.Request, purpose string) (member.Member, bool) {
	id, err := s.cfg.Links.Verify(purpose, r.PathValue("token"))
	if err != nil && s.cfg.OnRefused != nil {
		s.cfg.OnRefused(purpose+" link", fmt.Errorf("%s: %w", r.Pattern, err))
	}
	switch {
	case errors.Is(err, links.ErrExpiredToken):
		s.message(w, http.StatusForbidden, "This link has expired",
			"For your safety personal links work for a limited time. The link in your latest email works.")
		return member.Member{}, false
	case err != nil:
		s.message(w, http.StatusForbidden, "This link is not valid",
			"Please use the link exactly as it appears in your email.")
		return member.Member{}, false
	}
	m, err := s.deps.Members.Member(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.message(w, http.StatusNotFound, "Not on the list",
			"We have no subscription for this link; there is nothing to do.")
		return member.Member{}, false
	}
	if err != nil {
		s.fail("member lookup", err)
		s.message(w, http.StatusInternalServerError, "Something went wrong", "Please try again in a few minutes.")
		return member.Member{}, false
	}
	return m, true
}

// unsubscribePage is the GET of an unsubscribe link: it only asks. Mail
// scanners open links; a GET must never unsubscribe anyone.
func (s *Server) unsubscribePage(w http.ResponseWriter, r *http.Request) {
	m, ok := s.member(w, r, links.PurposeUnsubscribe)
	if !ok {
		return
	}
	name := "confirm"
	if m.Status == member.StatusUnsubscribed {
		name = "done"
	}
	s.render(w, http.StatusOK, name, confirmPage{
		page:  page{Title: "Unsubscribe", Magazine: s.cfg.Magazine},
		Email: m.Email,
	})
}

// unsubscribe is the RFC 8058 one-click POST (from a mail client, or the
// confirmation page's button): no cookie, no login, the signed token is
// the authority. The body must carry List-Unsubscribe=One-Click; it is
// read (and its size checked) before anything changes.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) {
	// ParseMultipartForm hides ParseForm's errors for other bodies, so
	// ParseForm comes first.
	err := r.ParseForm()
	if err == nil {
		if err = r.ParseMultipartForm(s.cfg.MaxBody); errors.Is(err, http.ErrNotMultipart) {
			err = nil
		}
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "bad request body", http.StatusBadRequest)
		return
	}
	m, ok := s.member(w, r, links.PurposeUnsubscribe)
	if !ok {
		return
	}
	if r.PostForm.Get("List-Unsubscribe") != "One-Click" {
		s.message(w, http.StatusBadRequest, "Nothing was changed",
			"The request did not say List-Unsubscribe=One-Click (RFC 8058).")
		return
	}
	// Every unsubscribe is recorded (status, suppression, history), even
	// for a member whose status already said so.
	c := member.Change{Why: "one-click unsubscribe (RFC 8058)", Source: "web one-click"}
	if r.PostForm.Get("via") == "page" {
		c = member.Change{Why: "unsubscribe page", Source: "web page"}
	}
	if _, err := s.deps.Lifecycle.Leave(r.Context(), member.Ref{ID: m.ID}, member.ReasonUnsubscribe, c); err != nil {
		s.fail("unsubscribe", err)
		s.message(w, http.StatusInternalServerError, "Something went wrong",
			"You are not unsubscribed yet. Please try again in a few minutes.")
		return
	}
	s.render(w, http.StatusOK, "done", confirmPage{
		page:  page{Title: "Unsubscribed", Magazine: s.cfg.Magazine},
		Email: m.Email,
	})
}
