package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/store"
)

// Directory finds and lists members for the members API; *store.Store
// implements it.
type Directory interface {
	MemberByEmail(ctx context.Context, email string) (member.Member, error)
	// MembersAfter lists up to limit members with ids above after, in id
	// order; status, when set, filters.
	MembersAfter(ctx context.Context, after int64, limit int, status member.Status) ([]member.Member, error)
	SuppressionOf(ctx context.Context, email string) (member.Suppression, bool, error)
	History(ctx context.Context, memberID int64) ([]member.Event, error)
}

// MemberJSON is a member as the members API shows it.
type MemberJSON struct {
	ID          int64            `json:"id"`
	Email       string           `json:"email"`
	Name        string           `json:"name"`
	Tier        string           `json:"tier"`
	Status      string           `json:"status"`
	DeliverPDF  string           `json:"deliver_pdf"`
	PausedUntil *time.Time       `json:"paused_until,omitempty"`
	Suppression *SuppressionJSON `json:"suppression,omitempty"`
}

// SuppressionJSON is an address's suppression.
type SuppressionJSON struct {
	Reason string    `json:"reason"`
	Detail string    `json:"detail,omitempty"`
	Source string    `json:"source,omitempty"`
	At     time.Time `json:"at"`
}

// EventJSON is one entry of a member's history.
type EventJSON struct {
	At     time.Time `json:"at"`
	What   string    `json:"what"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to,omitempty"`
	Why    string    `json:"why,omitempty"`
	Source string    `json:"source,omitempty"`
}

// MemberPut is the body of PUT /api/members/{email}. Status defaults to
// active. Resubscribe with Consent makes a member who left active again;
// without it such a member is kept out (outcome "kept").
type MemberPut struct {
	Name        string `json:"name"`
	Tier        string `json:"tier"`
	Status      string `json:"status"`
	DeliverPDF  string `json:"deliver_pdf"`
	Resubscribe bool   `json:"resubscribe"`
	Consent     string `json:"consent"`
}

func memberJSON(m member.Member, sp *member.Suppression) MemberJSON {
	j := MemberJSON{ID: m.ID, Email: m.Email, Name: m.Name, Tier: m.Tier, Status: string(m.Status), DeliverPDF: m.DeliverPDF}
	if !m.PausedUntil.IsZero() {
		t := m.PausedUntil
		j.PausedUntil = &t
	}
	if sp != nil && sp.Reason != "" {
		j.Suppression = &SuppressionJSON{Reason: string(sp.Reason), Detail: sp.Detail, Source: sp.Source, At: sp.At}
	}
	return j
}

func (s *Server) memberRoutes(mux *http.ServeMux) {
	mux.Handle("GET /api/members", s.bearer(s.apiMembers))
	mux.Handle("GET /api/members/{email}", s.bearer(s.apiMember))
	mux.Handle("PUT /api/members/{email}", s.bearer(s.apiPutMember))
	mux.Handle("DELETE /api/members/{email}", s.bearer(s.apiDeleteMember))
	mux.Handle("/api/members", methodNotAllowed("GET, HEAD"))
	mux.Handle("/api/members/{email}", methodNotAllowed("GET, HEAD, PUT, DELETE"))
}

// apiMembers lists members a page at a time: ?after=ID&limit=N&status=S.
func (s *Server) apiMembers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	num := func(k string) (int64, error) {
		if q.Get(k) == "" {
			return 0, nil
		}
		return strconv.ParseInt(q.Get(k), 10, 64)
	}
	after, err1 := num("after")
	limit, err2 := num("limit")
	status := member.Status(q.Get("status"))
	if err1 != nil || err2 != nil || after < 0 || limit < 0 || limit > 1000 || (status != "" && !status.Valid()) {
		writeJSON(w, http.StatusBadRequest, apiError{"want ?after=ID&limit=1..1000&status=active|paused|unsubscribed|bounced"})
		return
	}
	if limit == 0 {
		limit = 100
	}
	ms, err := s.deps.Directory.MembersAfter(r.Context(), after, int(limit), status)
	if err != nil {
		s.fail("members list", err)
		writeJSON(w, http.StatusInternalServerError, apiError{"cannot read the members"})
		return
	}
	out := struct {
		Members   []MemberJSON `json:"members"`
		NextAfter int64        `json:"next_after,omitempty"`
	}{Members: []MemberJSON{}}
	for _, m := range ms {
		out.Members = append(out.Members, memberJSON(m, nil))
	}
	if len(ms) == int(limit) {
		out.NextAfter = ms[len(ms)-1].ID
	}
	writeJSON(w, http.StatusOK, out)
}

// apiMember shows one member with their suppression and history.
func (s *Server) apiMember(w http.ResponseWriter, r *http.Request) {
	email := r.PathValue("email")
	m, err := s.deps.Directory.MemberByEmail(r.Context(), email)
	if err != nil {
		s.memberError(w, "member", err)
		return
	}
	sp, _, err := s.deps.Directory.SuppressionOf(r.Context(), email)
	if err != nil {
		s.memberError(w, "member", err)
		return
	}
	evs, err := s.deps.Directory.History(r.Context(), m.ID)
	if err != nil {
		s.memberError(w, "member", err)
		return
	}
	out := struct {
		Member  MemberJSON  `json:"member"`
		History []EventJSON `json:"history"`
	}{Member: memberJSON(m, &sp), History: []EventJSON{}}
	for _, e := range evs {
		out.History = append(out.History, EventJSON{At: e.At, What: e.What, From: e.From, To: e.To, Why: e.Why, Source: e.Source})
	}
	writeJSON(w, http.StatusOK, out)
}

// apiPutMember adds or updates the member with that address, for a
// billing system: a member who left stays out unless the call says they
// opted in again (resubscribe, with their consent).
func (s *Server) apiPutMember(w http.ResponseWriter, r *http.Request) {
	var req MemberPut
	if !decodeJSON(w, r, &req) {
		return
	}
	email, err := member.ValidateEmail(r.PathValue("email"))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{"the path must end in a bare email address"})
		return
	}
	st := member.StatusActive
	if req.Status != "" {
		var ok bool
		if st, ok = member.MapStatus(req.Status); !ok {
			writeJSON(w, http.StatusBadRequest, apiError{"status " + strconv.Quote(req.Status) + ": unknown status (want active, paused, unsubscribed or bounced)"})
			return
		}
	}
	m := member.Member{Email: email, Name: req.Name, Tier: req.Tier, Status: st, DeliverPDF: req.DeliverPDF}
	out, err := s.deps.Lifecycle.Upsert(r.Context(), m, member.Upsert{Resubscribe: req.Resubscribe, Consent: req.Consent},
		member.Change{Why: "members API", Source: "api"})
	switch {
	case errors.Is(err, member.ErrNoConsent):
		writeJSON(w, http.StatusBadRequest, apiError{err.Error()})
		return
	case err != nil && (errors.Is(err, member.ErrInvalidAddress) || errors.Is(err, member.ErrUnknownDeliver)):
		writeJSON(w, http.StatusBadRequest, apiError{err.Error()})
		return
	case err != nil:
		s.memberError(w, "member upsert", err)
		return
	}
	outcome := out.Note
	if out.Kept {
		outcome = "kept"
	}
	code := http.StatusOK
	if out.Added {
		code = http.StatusCreated
	}
	writeJSON(w, code, struct {
		Member  MemberJSON `json:"member"`
		Outcome string     `json:"outcome"`
		Note    string     `json:"note"`
	}{memberJSON(out.Member, nil), outcome, out.Note})
}

// apiDeleteMember removes a member; their suppression stays.
func (s *Server) apiDeleteMember(w http.ResponseWriter, r *http.Request) {
	if !drainEmpty(w, r) {
		return
	}
	out, err := s.deps.Lifecycle.Delete(r.Context(), r.PathValue("email"), member.Change{Why: "members API", Source: "api"})
	if err != nil {
		s.memberError(w, "member delete", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"deleted": out.Member.Email})
}

// memberError answers 404 for a member that does not exist, 500 otherwise.
func (s *Server) memberError(w http.ResponseWriter, op string, err error) {
	if errors.Is(err, member.ErrNoMember) || errors.Is(err, store.ErrNotFound) {
		writeJSON(w, http.StatusNotFound, apiError{"no such member"})
		return
	}
	s.fail(op, err)
	writeJSON(w, http.StatusInternalServerError, apiError{"cannot reach the members"})
}
