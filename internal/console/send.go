package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/foliopress/folio/internal/editor"
	"github.com/foliopress/folio/internal/publish"
	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/store"
)

// startSend sends week in the background, as by; a send of the week
// already running here is left alone (the ledger would make a second one
// harmless anyway). It reports whether a send started.
func (c *Console) startSend(week issue.Week, by string) bool {
	id := week.String()
	c.mu.Lock()
	defer c.mu.Unlock()
	if j := c.sends[id]; j != nil && j.Running {
		return false
	}
	if c.bg.Err() != nil {
		return false
	}
	j := &sendJob{Started: c.now(), Running: true, By: by}
	c.sends[id] = j
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		_, err := c.d.Desk.SendWeek(c.bg, week)
		if err != nil && !errors.Is(err, publish.ErrHeld) {
			c.fail("send "+id, err)
		}
		c.mu.Lock()
		j.Running, j.Finished, j.Err = false, c.now(), err
		c.mu.Unlock()
		c.forget(id)       // read the ledger afresh: the send is over
		c.membersChanged() // the audience is smaller by those sent to
		if _, err := c.d.Ledger.RefreshIssueStats(context.WithoutCancel(c.bg), id, c.now()); err != nil {
			c.fail("stats "+id, err)
		}
	}()
	return true
}

// confirmPage is the send confirmation's data.
type confirmPage struct {
	Week  string
	Reach int
	Held  string
	Zone  string
	Plan  *editor.Plan // the week's scheduled send, if any
}

// confirmSend asks before a send, naming how many members it reaches.
func (c *Console) confirmSend(w http.ResponseWriter, r *http.Request) {
	wk, ok := c.weekOf(w, r)
	if !ok {
		return
	}
	n, err := c.reach(r.Context(), wk)
	if err != nil {
		c.fail("reach "+wk.String(), err)
		c.message(w, r, http.StatusInternalServerError, "Something went wrong", "The members could not be counted.")
		return
	}
	p := confirmPage{Week: wk.String(), Reach: n, Zone: c.cfg.Location.String()}
	if plan, ok, err := c.d.Ledger.Plan(r.Context(), wk.String()); err != nil {
		c.fail("plan "+wk.String(), err)
	} else if ok && plan.State == editor.PlanScheduled {
		plan.At = plan.At.In(c.cfg.Location)
		p.Plan = &plan
	}
	c.render(w, r, http.StatusOK, "confirm", page{Title: "Send " + wk.String(), Nav: "weeks", Data: p})
}

// send starts the week's send now.
func (c *Console) send(w http.ResponseWriter, r *http.Request) {
	wk, ok := c.weekOf(w, r)
	if !ok {
		return
	}
	by := sessionOf(r).Editor.Email
	if !c.startSend(wk, by) {
		c.message(w, r, http.StatusConflict, "Already sending", "This week is being sent from this desk already.")
		return
	}
	c.audit(r, editor.ActionSend, wk.String(), r.PostFormValue("reach")+" members at confirmation")
	redirectDone(w, r, "/admin/weeks/"+wk.String(), "sending", 0)
}

// schedule schedules the week's send for a time in the magazine's zone.
func (c *Console) schedule(w http.ResponseWriter, r *http.Request) {
	wk, ok := c.weekOf(w, r)
	if !ok {
		return
	}
	at, err := time.ParseInLocation("2006-01-02T15:04", r.PostFormValue("at"), c.cfg.Location)
	if err != nil {
		c.message(w, r, http.StatusBadRequest, "Not a time", fmt.Sprintf("%q is not a date and time such as 2026-03-06T07:00.", r.PostFormValue("at")))
		return
	}
	if !at.After(c.now()) {
		c.message(w, r, http.StatusBadRequest, "That time has passed", "Choose a time in the future, or send now.")
		return
	}
	by := sessionOf(r).Editor.Email
	err = c.d.Ledger.ScheduleSend(r.Context(), editor.Plan{Week: wk.String(), At: at, Editor: by, Created: c.now()})
	if errors.Is(err, store.ErrPlanStarted) {
		c.message(w, r, http.StatusConflict, "Already started", "The scheduled send of this week has started; pause it instead.")
		return
	}
	if err != nil {
		c.fail("schedule", err)
		c.message(w, r, http.StatusInternalServerError, "Something went wrong", "The send could not be scheduled.")
		return
	}
	c.audit(r, editor.ActionSchedule, wk.String(), at.In(c.cfg.Location).Format(time.RFC3339)+", "+r.PostFormValue("reach")+" members at confirmation")
	redirectDone(w, r, "/admin/weeks/"+wk.String(), "scheduled", 0)
}

// cancel cancels a scheduled send that has not started.
func (c *Console) cancel(w http.ResponseWriter, r *http.Request) {
	wk, ok := c.weekOf(w, r)
	if !ok {
		return
	}
	if err := c.d.Ledger.CancelSend(r.Context(), wk.String()); err != nil {
		c.message(w, r, http.StatusConflict, "Not cancelled", "The send has started already, or none was scheduled: pause it instead.")
		return
	}
	c.audit(r, editor.ActionCancel, wk.String(), "")
	redirectDone(w, r, "/admin/weeks/"+wk.String(), "cancelled", 0)
}

// startDuePlans starts the scheduled sends that are due; of several
// instances exactly one starts each (the store decides).
func (c *Console) startDuePlans(ctx context.Context) {
	plans, err := c.d.Ledger.Plans(ctx)
	if err != nil {
		c.fail("plans", err)
		return
	}
	for _, p := range plans {
		if p.At.After(c.now()) {
			continue
		}
		won, err := c.d.Ledger.StartDuePlan(ctx, p.Week, c.now())
		if err != nil {
			c.fail("start plan "+p.Week, err)
			continue
		}
		wk, perr := issue.ParseWeek(p.Week)
		if won && perr == nil {
			c.startSend(wk, p.Editor)
			c.auditAs(ctx, p.Editor, editor.ActionSend, p.Week, "scheduled for "+p.At.In(c.cfg.Location).Format(time.RFC3339))
		}
	}
}

// pause stops the week's send on every instance: messages in flight
// finish, the rest stays pending until resumed.
func (c *Console) pause(w http.ResponseWriter, r *http.Request) {
	wk, ok := c.weekOf(w, r)
	if !ok {
		return
	}
	if err := c.d.Ledger.Hold(r.Context(), wk.String(), sessionOf(r).Editor.Email, c.now()); err != nil {
		c.fail("pause", err)
		c.message(w, r, http.StatusInternalServerError, "Something went wrong", "The send could not be paused.")
		return
	}
	c.audit(r, editor.ActionPause, wk.String(), "")
	redirectDone(w, r, "/admin/weeks/"+wk.String(), "paused", 0)
}

// resume lifts the pause and sends the rest from here (other instances
// join).
func (c *Console) resume(w http.ResponseWriter, r *http.Request) {
	wk, ok := c.weekOf(w, r)
	if !ok {
		return
	}
	if err := c.d.Ledger.Unhold(r.Context(), wk.String()); err != nil {
		c.fail("resume", err)
		c.message(w, r, http.StatusInternalServerError, "Something went wrong", "The send could not be resumed.")
		return
	}
	c.waitSendEnd(wk.String())
	c.startSend(wk, sessionOf(r).Editor.Email)
	c.audit(r, editor.ActionResume, wk.String(), "")
	redirectDone(w, r, "/admin/weeks/"+wk.String(), "resumed", 0)
}

// waitSendEnd waits a little for this desk's paused send of week to wind
// down, so a resume starts a fresh one.
func (c *Console) waitSendEnd(week string) {
	for range 50 {
		c.mu.Lock()
		j := c.sends[week]
		running := j != nil && j.Running
		c.mu.Unlock()
		if !running {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// retryFailed makes the week's failed deliveries due again and sends them.
func (c *Console) retryFailed(w http.ResponseWriter, r *http.Request) {
	wk, ok := c.weekOf(w, r)
	if !ok {
		return
	}
	n, err := c.d.Ledger.RetryFailed(r.Context(), wk.String(), c.now())
	if err != nil {
		c.fail("retry failed", err)
		c.message(w, r, http.StatusInternalServerError, "Something went wrong", "The failed deliveries could not be retried.")
		return
	}
	c.forget(wk.String())
	if _, err := c.d.Ledger.RefreshIssueStats(r.Context(), wk.String(), c.now()); err != nil {
		c.fail("stats "+wk.String(), err)
	}
	c.startSend(wk, sessionOf(r).Editor.Email)
	c.audit(r, editor.ActionRetryFailed, wk.String(), fmt.Sprintf("%d deliveries", n))
	redirectDone(w, r, "/admin/weeks/"+wk.String(), "retrying", n)
}

// testSend sends a test copy to the addresses given (one a line or comma),
// the editor's own by default.
func (c *Console) testSend(w http.ResponseWriter, r *http.Request) {
	wk, ok := c.weekOf(w, r)
	if !ok {
		return
	}
	var to []string
	for _, f := range strings.FieldsFunc(r.PostFormValue("to"), func(r rune) bool { return r == ',' || r == '\n' || r == ';' }) {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		a, err := mail.ParseAddress(f)
		if err != nil {
			c.message(w, r, http.StatusBadRequest, "Not an address", fmt.Sprintf("%q is not an email address.", f))
			return
		}
		to = append(to, a.Address)
	}
	if len(to) == 0 {
		to = []string{sessionOf(r).Editor.Email}
	}
	if len(to) > 20 {
		c.message(w, r, http.StatusBadRequest, "Too many addresses", "A test goes to at most 20 addresses; send the issue instead.")
		return
	}
	replies, err := c.d.Desk.TestSend(r.Context(), wk, to)
	c.audit(r, editor.ActionTestSend, wk.String(), strings.Join(to, ", "))
	if err != nil {
		c.fail("test send", err)
		c.message(w, r, http.StatusBadGateway, "The test copy was not sent", err.Error())
		return
	}
	redirectDone(w, r, "/admin/weeks/"+wk.String(), "tested", len(replies))
}

// reach counts the members a send of week would still reach, kept for
// a minute (counting a large audience takes a while) or until members
// change on this desk (membersChanged).
func (c *Console) reach(ctx context.Context, wk issue.Week) (int, error) {
	c.figs.mu.Lock()
	if c.reaches == nil {
		c.reaches = map[string]reachEntry{}
	}
	e, ok := c.reaches[wk.String()]
	gen := c.reachGen
	c.figs.mu.Unlock()
	if ok && c.now().Sub(e.at) < time.Minute {
		return e.n, nil
	}
	n, err := c.d.Desk.Reach(ctx, wk)
	if err != nil {
		return 0, err
	}
	c.figs.mu.Lock()
	if gen == c.reachGen { // no change of members while counting
		if c.reaches == nil {
			c.reaches = map[string]reachEntry{}
		}
		c.reaches[wk.String()] = reachEntry{n: n, at: c.now()}
	}
	c.figs.mu.Unlock()
	return n, nil
}

// warmReach counts this week's and next week's audience ahead, so the
// send confirmation, which names it, never waits for the count.
func (c *Console) warmReach(ctx context.Context) {
	now := c.now().In(c.cfg.Location)
	for _, w := range []issue.Week{issue.WeekOf(now), issue.WeekOf(now.AddDate(0, 0, 7))} {
		if _, err := c.reach(ctx, w); err != nil {
			c.fail("reach "+w.String(), err)
		}
	}
}

type reachEntry struct {
	n  int
	at time.Time
}
