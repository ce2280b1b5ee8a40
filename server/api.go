package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/issue"
)

// Job is a send started from the editor API, as GET /api/weeks/{week}
// reports it.
type Job struct {
	Week     string            `json:"week"`
	Running  bool              `json:"running"`
	Started  time.Time         `json:"started"`
	Finished *time.Time        `json:"finished,omitempty"`
	Summary  *delivery.Summary `json:"summary,omitempty"`
	Error    string            `json:"error,omitempty"`
}

// WeekStatus is the answer of GET /api/weeks/{week}.
type WeekStatus struct {
	Week   string         `json:"week"`
	Counts map[string]int `json:"counts"`
	Total  int            `json:"total"`
	Job    *Job           `json:"job,omitempty"`
}

// TestRequest is the body of POST /api/weeks/{week}/test.
type TestRequest struct {
	To string `json:"to"`
}

// bearer guards an API handler: a missing or wrong bearer token is 401
// before the request is looked at any further.
func (s *Server) bearer(next func(http.ResponseWriter, *http.Request)) http.Handler {
	want := sha256.Sum256([]byte(s.cfg.AdminToken))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		auth := r.Header.Get("Authorization")
		scheme, token, _ := strings.Cut(auth, " ")
		// Comparing hashes keeps the comparison constant-time whatever the
		// lengths.
		got := sha256.Sum256([]byte(strings.TrimSpace(token)))
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="folio"`)
			writeJSON(w, http.StatusUnauthorized, apiError{"missing or wrong bearer token"})
			return
		}
		next(w, r)
	})
}

// admin guards an editor API handler of a week (see bearer).
func (s *Server) admin(next func(http.ResponseWriter, *http.Request, issue.Week)) http.Handler {
	return s.bearer(func(w http.ResponseWriter, r *http.Request) {
		wk, err := issue.ParseWeek(r.PathValue("week"))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, apiError{err.Error()})
			return
		}
		next(w, r, wk)
	})
}

// methodNotAllowed answers an API path's other methods.
func methodNotAllowed(allow string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		writeJSON(w, http.StatusMethodNotAllowed, apiError{r.Method + " is not allowed here; use " + allow})
	})
}

type apiError struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// apiSend starts week's send in the background and answers 202 at once:
// a whole send can outlast any HTTP timeout. A second request while it
// runs gets 409; the ledger would make it harmless anyway.
func (s *Server) apiSend(w http.ResponseWriter, r *http.Request, wk issue.Week) {
	if !drainEmpty(w, r) {
		return
	}
	key := wk.String()
	s.mu.Lock()
	if j := s.jobs[key]; j != nil && j.Running {
		cp := *j
		s.mu.Unlock()
		writeJSON(w, http.StatusConflict, cp)
		return
	}
	if s.bg.Err() != nil {
		s.mu.Unlock()
		writeJSON(w, http.StatusServiceUnavailable, apiError{"server is shutting down"})
		return
	}
	j := &Job{Week: key, Running: true, Started: s.cfg.Now()}
	s.jobs[key] = j
	cp := *j
	s.wg.Add(1)
	s.mu.Unlock()
	go s.runSend(s.bg, wk, j)
	writeJSON(w, http.StatusAccepted, cp)
}

func (s *Server) runSend(ctx context.Context, wk issue.Week, j *Job) {
	defer s.wg.Done()
	sum, err := s.deps.Editor.SendWeek(ctx, wk)
	if err != nil {
		s.fail("send "+wk.String(), err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	j.Running, j.Finished, j.Summary = false, &now, &sum
	if err != nil {
		j.Error = err.Error()
	}
}

// apiTest sends one test copy of week's issue, synchronously.
func (s *Server) apiTest(w http.ResponseWriter, r *http.Request, wk issue.Week) {
	var req TestRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	to, err := member.ValidateEmail(req.To)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{`"to" must be a bare email address`})
		return
	}
	if err := s.deps.Editor.TestSend(r.Context(), wk, to); err != nil {
		s.fail("test send "+wk.String(), err)
		writeJSON(w, http.StatusBadGateway, apiError{err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"week": wk.String(), "sent_to": to})
}

// apiWeek reports week's ledger counts and the API's send job, if any.
func (s *Server) apiWeek(w http.ResponseWriter, r *http.Request, wk issue.Week) {
	counts, err := s.deps.Ledger.Counts(r.Context(), wk.String())
	if err != nil {
		s.fail("counts "+wk.String(), err)
		writeJSON(w, http.StatusInternalServerError, apiError{"cannot read the ledger"})
		return
	}
	st := WeekStatus{Week: wk.String(), Counts: map[string]int{}}
	for _, state := range delivery.States() {
		st.Counts[string(state)] = counts[state]
		st.Total += counts[state]
	}
	s.mu.Lock()
	if j := s.jobs[wk.String()]; j != nil {
		cp := *j
		st.Job = &cp
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, st)
}

// decodeJSON reads a JSON object body strictly: the right Content-Type,
// no unknown fields, nothing after it, within MaxBody.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeJSON(w, http.StatusUnsupportedMediaType, apiError{"want Content-Type: application/json"})
		return false
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data after the JSON object")
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeJSON(w, http.StatusRequestEntityTooLarge, apiError{"request body too large"})
		return false
	case err != nil:
		writeJSON(w, http.StatusBadRequest, apiError{"bad JSON: " + err.Error()})
		return false
	}
	return true
}

// drainEmpty accepts an empty body, or an empty JSON object, for actions
// that take no parameters; a body over MaxBody is 413.
func drainEmpty(w http.ResponseWriter, r *http.Request) bool {
	body, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeJSON(w, http.StatusRequestEntityTooLarge, apiError{"request body too large"})
		return false
	case err != nil:
		writeJSON(w, http.StatusBadRequest, apiError{"cannot read the request body"})
		return false
	}
	if b := strings.TrimSpace(string(body)); b != "" && b != "{}" {
		writeJSON(w, http.StatusBadRequest, apiError{"this action takes no parameters"})
		return false
	}
	return true
}
