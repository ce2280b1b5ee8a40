package console

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/editor"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/store"
)

// membersPage is the members page's data.
type membersPage struct {
	Query   string
	Results []member.Member
	Counts  []statusCount
	Total   int
	More    bool
}

type statusCount struct {
	Status member.Status
	N      int
}

const searchLimit = 50

// members searches members by the start of their address or name.
func (c *Console) members(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > 200 {
		q = q[:200]
	}
	res, err := c.d.Directory.SearchMembers(r.Context(), q, searchLimit+1)
	if err != nil {
		c.fail("search", err)
		c.message(w, r, http.StatusInternalServerError, "Something went wrong", "The members could not be searched.")
		return
	}
	p := membersPage{Query: q, Results: res}
	if len(res) > searchLimit {
		p.Results, p.More = res[:searchLimit], true
	}
	counts, err := c.memberCounts(r)
	if err != nil {
		c.fail("count members", err)
	}
	for _, st := range []member.Status{member.StatusActive, member.StatusPaused, member.StatusUnsubscribed, member.StatusBounced} {
		p.Counts = append(p.Counts, statusCount{st, counts[st]})
		p.Total += counts[st]
	}
	c.render(w, r, http.StatusOK, "members", page{Title: "Members", Nav: "members", Data: p})
}

// memberCounts counts members by status, kept for a minute (a count of a
// million rows is not a page's work).
func (c *Console) memberCounts(r *http.Request) (map[member.Status]int, error) {
	c.figs.mu.Lock()
	cached, at := c.counts, c.countsAt
	c.figs.mu.Unlock()
	if cached != nil && c.now().Sub(at) < time.Minute {
		return cached, nil
	}
	counts, err := c.d.Directory.CountMembers(r.Context())
	if err != nil {
		return nil, err
	}
	c.figs.mu.Lock()
	c.counts, c.countsAt = counts, c.now()
	c.figs.mu.Unlock()
	return counts, nil
}

// membersChanged drops the counts kept from before a change of members
// on this desk (an import, a status, a suppression, a send's end), so the
// member list and the send confirmation name the members as they are now.
// It counts this week's and next week's audience again in the
// background, so the confirmation rarely waits for the count.
func (c *Console) membersChanged() {
	c.figs.mu.Lock()
	c.counts, c.reaches = nil, nil
	c.reachGen++
	c.figs.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bg.Err() != nil {
		return
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.warmReach(c.bg)
	}()
}

// memberPage is one member's page data.
type memberPage struct {
	Member      member.Member
	Suppression *member.Suppression
	Deliveries  []delivery.Delivery
	History     []member.Event
	Statuses    []member.Status
	MemberOnly  bool
}

// member shows one member: their deliveries, bounces and status changes,
// and (for admins) the forms that change them.
func (c *Console) member(w http.ResponseWriter, r *http.Request) {
	m, ok := c.memberOf(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	p := memberPage{Member: m, Statuses: []member.Status{member.StatusActive, member.StatusPaused, member.StatusUnsubscribed, member.StatusBounced}}
	if s, ok, err := c.d.Directory.SuppressionOf(ctx, m.Email); err != nil {
		c.fail("suppression", err)
	} else if ok {
		p.Suppression, p.MemberOnly = &s, s.Reason.MemberOnly()
	}
	var err error
	if p.Deliveries, err = c.d.Directory.MemberDeliveries(ctx, m.ID, 52); err != nil {
		c.fail("member deliveries", err)
	}
	if p.History, err = c.d.Directory.History(ctx, m.ID); err != nil {
		c.fail("member history", err)
	}
	for i, j := 0, len(p.History)-1; i < j; i, j = i+1, j-1 { // newest first
		p.History[i], p.History[j] = p.History[j], p.History[i]
	}
	c.render(w, r, http.StatusOK, "member", page{Title: m.Email, Nav: "members", Data: p})
}

// memberOf reads the {id} path value and loads the member.
func (c *Console) memberOf(w http.ResponseWriter, r *http.Request) (member.Member, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		c.notFound(w, r)
		return member.Member{}, false
	}
	m, err := c.d.Directory.Member(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, member.ErrNoMember) {
		c.notFound(w, r)
		return member.Member{}, false
	}
	if err != nil {
		c.fail("member", err)
		c.message(w, r, http.StatusInternalServerError, "Something went wrong", "The member could not be read.")
		return member.Member{}, false
	}
	return m, true
}

// change is the record of who changes a member from the console.
func (c *Console) change(r *http.Request, why string) member.Change {
	if why == "" {
		why = "changed in the console"
	}
	return member.Change{Why: why, Source: "console " + sessionOf(r).Editor.Email}
}

// setStatus changes a member's status: active (a member who left needs
// their consent noted), paused, unsubscribed or bounced.
func (c *Console) setStatus(w http.ResponseWriter, r *http.Request) {
	m, ok := c.memberOf(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	note := strings.TrimSpace(r.PostFormValue("note"))
	to := member.Status(r.PostFormValue("status"))
	var err error
	switch to {
	case member.StatusActive:
		switch {
		case m.Status.Left():
			if note == "" {
				c.message(w, r, http.StatusBadRequest, "Their consent is needed", "The member left: say where and how they opted in again (the note is kept as their consent).")
				return
			}
			_, err = c.d.Lifecycle.Unsuppress(ctx, m.Email, note, c.change(r, note))
		case m.Status == member.StatusPaused:
			_, err = c.d.Lifecycle.Resume(ctx, m.ID, c.change(r, note))
		}
	case member.StatusPaused:
		until := c.now().AddDate(0, 0, 28)
		if v := r.PostFormValue("until"); v != "" {
			if until, err = time.ParseInLocation("2006-01-02", v, c.cfg.Location); err != nil {
				c.message(w, r, http.StatusBadRequest, "Not a date", fmt.Sprintf("%q is not a date such as 2026-04-01.", v))
				return
			}
		}
		_, err = c.d.Lifecycle.Pause(ctx, m.ID, until, c.change(r, note))
	case member.StatusUnsubscribed:
		_, err = c.d.Lifecycle.Leave(ctx, member.Ref{ID: m.ID}, member.ReasonUnsubscribe, c.change(r, note))
	case member.StatusBounced:
		_, err = c.d.Lifecycle.Leave(ctx, member.Ref{ID: m.ID}, member.ReasonBounce, c.change(r, note))
	default:
		c.message(w, r, http.StatusBadRequest, "No such status", fmt.Sprintf("%q is not a member status.", to))
		return
	}
	if err != nil {
		c.message(w, r, http.StatusConflict, "Not changed", err.Error())
		return
	}
	c.audit(r, editor.ActionMemberStatus, m.Email, string(m.Status)+" → "+string(to)+noteSuffix(note))
	c.membersChanged()
	redirectDone(w, r, fmt.Sprintf("/admin/members/%d", m.ID), "status", 0)
}

func noteSuffix(note string) string {
	if note == "" {
		return ""
	}
	return ": " + note
}

// suppress puts the member's address on the suppression list.
func (c *Console) suppress(w http.ResponseWriter, r *http.Request) {
	m, ok := c.memberOf(w, r)
	if !ok {
		return
	}
	note := strings.TrimSpace(r.PostFormValue("note"))
	if _, err := c.d.Lifecycle.Suppress(r.Context(), m.Email, note, c.change(r, note)); err != nil {
		c.message(w, r, http.StatusConflict, "Not suppressed", err.Error())
		return
	}
	c.audit(r, editor.ActionSuppress, m.Email, note)
	c.membersChanged()
	redirectDone(w, r, fmt.Sprintf("/admin/members/%d", m.ID), "suppressed", 0)
}

// unsuppress lifts the suppression; an unsubscribe or a complaint needs
// the member's consent, noted.
func (c *Console) unsuppress(w http.ResponseWriter, r *http.Request) {
	m, ok := c.memberOf(w, r)
	if !ok {
		return
	}
	note := strings.TrimSpace(r.PostFormValue("note"))
	if _, err := c.d.Lifecycle.Unsuppress(r.Context(), m.Email, note, c.change(r, note)); err != nil {
		c.message(w, r, http.StatusConflict, "Not lifted", err.Error())
		return
	}
	c.audit(r, editor.ActionUnsuppress, m.Email, note)
	c.membersChanged()
	redirectDone(w, r, fmt.Sprintf("/admin/members/%d", m.ID), "unsuppressed", 0)
}

// auditLog shows the latest audit entries (admins).
func (c *Console) auditLog(w http.ResponseWriter, r *http.Request) {
	entries, err := c.d.Accounts.AuditLog(r.Context(), 300)
	if err != nil {
		c.fail("audit log", err)
		c.message(w, r, http.StatusInternalServerError, "Something went wrong", "The audit log could not be read.")
		return
	}
	c.render(w, r, http.StatusOK, "audit", page{Title: "Audit log", Nav: "audit", Data: entries})
}
