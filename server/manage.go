package server

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/foliopress/folio/internal/links"
	"github.com/foliopress/folio/internal/member"
)

// pauseWeeks are the pause lengths the manage page offers.
var pauseWeeks = []int{1, 2, 3, 4, 6, 8, 12}

// managePageData is the "manage your delivery" page.
type managePageData struct {
	page
	Email       string
	Status      string
	Left        bool   // unsubscribed or bounced: nothing to manage
	PausedUntil string // "27 March 2026"; empty when not paused with an end
	Paused      bool
	PDF         string // "attach", "link", "epub" or ""
	Action      string // the form actions' base path, /m/{token}/
	Weeks       []int
	Notice      string
}

// managePage is the GET of a member's manage link: it shows their
// delivery and the forms that change it. Like every GET, it changes nothing.
func (s *Server) managePage(w http.ResponseWriter, r *http.Request) {
	m, ok := s.member(w, r, links.PurposeManage)
	if !ok {
		return
	}
	s.renderManage(w, r, m, "")
}

func (s *Server) renderManage(w http.ResponseWriter, r *http.Request, m member.Member, notice string) {
	d := managePageData{
		page:   page{Title: "Your delivery", Magazine: s.cfg.Magazine},
		Email:  m.Email,
		Status: string(m.Status),
		Left:   m.Status.Left(),
		Paused: m.Status == member.StatusPaused,
		PDF:    m.DeliverPDF,
		Action: "/m/" + r.PathValue("token") + "/",
		Weeks:  pauseWeeks,
		Notice: notice,
	}
	if d.Paused && !m.PausedUntil.IsZero() {
		d.PausedUntil = m.PausedUntil.Format("2 January 2006")
	}
	s.render(w, http.StatusOK, "manage", d)
}

// manage is a POST from the manage page: pause, resume, pdf or
// unsubscribe. The signed token is the authority, as for one-click
// unsubscribe; every change is recorded in the member's history.
func (s *Server) manage(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "bad request body", http.StatusBadRequest)
		return
	}
	m, ok := s.member(w, r, links.PurposeManage)
	if !ok {
		return
	}
	ctx := r.Context()
	c := member.Change{Source: "web manage page"}
	var out member.Outcome
	var err error
	switch r.PathValue("action") {
	case "pause":
		weeks, perr := strconv.Atoi(r.PostForm.Get("weeks"))
		if perr != nil || weeks < 1 || weeks > 52 {
			s.message(w, http.StatusBadRequest, "Nothing was changed", "Choose a pause of 1 to 52 weeks.")
			return
		}
		until := s.cfg.Now().Add(time.Duration(weeks) * 7 * 24 * time.Hour)
		c.Why = "paused for " + strconv.Itoa(weeks) + " weeks by the member"
		out, err = s.deps.Lifecycle.Pause(ctx, m.ID, until, c)
	case "resume":
		c.Why = "resumed by the member"
		out, err = s.deps.Lifecycle.Resume(ctx, m.ID, c)
	case "pdf":
		v := r.PostForm.Get("deliver_pdf")
		if v == "default" {
			v = ""
		}
		c.Why = "chosen by the member"
		out, err = s.deps.Lifecycle.SetDeliverPDF(ctx, m.ID, v, c)
		if errors.Is(err, member.ErrUnknownDeliver) {
			s.message(w, http.StatusBadRequest, "Nothing was changed", "Choose the PDF attached, a link, the EPUB, or the magazine's default.")
			return
		}
	case "unsubscribe":
		c.Why = "unsubscribed on the manage page"
		if _, err = s.deps.Lifecycle.Leave(ctx, member.Ref{ID: m.ID}, member.ReasonUnsubscribe, c); err == nil {
			s.render(w, http.StatusOK, "done", confirmPage{page: page{Title: "Unsubscribed", Magazine: s.cfg.Magazine}, Email: m.Email})
			return
		}
	default:
		s.message(w, http.StatusNotFound, "Not found", "There is no such action.")
		return
	}
	switch {
	case errors.Is(err, member.ErrMemberOnly):
		s.message(w, http.StatusConflict, "Nothing was changed", "This address is unsubscribed: no issue will be sent to it.")
		return
	case err != nil && r.PathValue("action") == "resume":
		s.renderManage(w, r, m, "Your delivery was not paused.")
		return
	case err != nil:
		s.fail("manage "+r.PathValue("action"), err)
		s.message(w, http.StatusInternalServerError, "Something went wrong", "Nothing was changed. Please try again in a few minutes.")
		return
	}
	s.renderManage(w, r, out.Member, capitalise(out.Note)+".")
}

// capitalise upper-cases an ASCII first letter.
func capitalise(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
