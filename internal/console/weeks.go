package console

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/foliopress/folio/internal/artifact"
	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/editor"
	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/markdown"
	"github.com/foliopress/folio/store"
)

// weekRow is one week in the list of weeks.
type weekRow struct {
	Week      string
	Dates     string
	Built     bool
	State     string // what the week's send is doing, in words
	Tone      string // ok, warn, bad, idle
	Sent      int
	Total     int
	Scheduled time.Time
}

// weekStates gathers what the list of weeks shows, from a handful of
// queries however many weeks there are: built issues, runs, plans, pauses,
// kept figures; live figures only for weeks being sent.
type weekStates struct {
	built map[string]bool
	runs  map[string]store.Run
	plans map[string]editor.Plan
	holds map[string]string
	stats map[string]store.IssueStats
}

func (c *Console) loadWeekStates(ctx context.Context, n int) (*weekStates, error) {
	ws := &weekStates{built: map[string]bool{}, runs: map[string]store.Run{}, plans: map[string]editor.Plan{}, stats: map[string]store.IssueStats{}}
	built, err := c.d.Issues.Weeks(ctx)
	if err != nil {
		return nil, err
	}
	for _, w := range built {
		ws.built[w] = true
	}
	runs, err := c.d.Ledger.LastRuns(ctx, n)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		ws.runs[r.Week] = r
	}
	plans, err := c.d.Ledger.Plans(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range plans {
		ws.plans[p.Week] = p
	}
	if ws.holds, err = c.d.Ledger.Holds(ctx); err != nil {
		return nil, err
	}
	stats, err := c.d.Ledger.AllIssueStats(ctx, n)
	if err != nil {
		return nil, err
	}
	for _, st := range stats {
		ws.stats[st.Week] = st
	}
	return ws, nil
}

// row describes one week.
func (c *Console) row(ctx context.Context, ws *weekStates, w issue.Week) weekRow {
	id := w.String()
	start := w.Start(c.cfg.Location)
	r := weekRow{Week: id, Dates: start.Format("Jan 2") + " – " + start.AddDate(0, 0, 6).Format("Jan 2, 2006"), Built: ws.built[id]}
	run, ran := ws.runs[id]
	live := c.d.Progress.Live(id)
	_, heldNow := ws.holds[id]
	switch {
	case heldNow:
		r.State, r.Tone = "paused by "+ws.holds[id], "warn"
	case live.Running:
		r.State, r.Tone = "sending", "ok"
	case ws.plans[id].State == editor.PlanScheduled:
		r.State, r.Tone, r.Scheduled = "scheduled for "+ws.plans[id].At.In(c.cfg.Location).Format("Mon Jan 2 15:04"), "ok", ws.plans[id].At
	case ran && run.Finished.IsZero():
		r.State, r.Tone = "unfinished", "warn"
	case ran:
		r.State, r.Tone = "sent", "ok"
	case ws.stats[id].Total > 0 && ws.stats[id].Pending+ws.stats[id].Retrying > 0:
		// Sent from the console (no scheduled run), not to the end.
		r.State, r.Tone = "partly sent", "warn"
	case ws.stats[id].Total > 0:
		r.State, r.Tone = "sent", "ok"
	case r.Built:
		r.State, r.Tone = "built, not sent", "idle"
	default:
		r.State, r.Tone = "not built", "idle"
	}
	if st, ok := ws.stats[id]; ok && !live.Running && !heldNow && (!ran || !run.Finished.IsZero()) {
		r.Sent, r.Total = st.Sent, st.Total
	} else if ran || live.Running || heldNow {
		if f, ok := c.cachedFigures(id); ok {
			r.Sent, r.Total = f.Sent, f.Total
		}
	}
	return r
}

// listWeeks is the newest n weeks anything happened in, and this week
// and the next (to build ahead).
func (c *Console) listWeeks(ws *weekStates, n int) []issue.Week {
	seen := map[string]bool{}
	var out []issue.Week
	add := func(s string) {
		w, err := issue.ParseWeek(s)
		if err == nil && !seen[w.String()] {
			seen[w.String()] = true
			out = append(out, w)
		}
	}
	now := c.now().In(c.cfg.Location)
	add(issue.WeekOf(now).String())
	add(issue.WeekOf(now.AddDate(0, 0, 7)).String())
	for w := range ws.built {
		add(w)
	}
	for w := range ws.runs {
		add(w)
	}
	for w := range ws.plans {
		add(w)
	}
	for w := range ws.holds {
		add(w)
	}
	slices.SortFunc(out, func(a, b issue.Week) int {
		if a.Year != b.Year {
			return b.Year - a.Year
		}
		return b.Num - a.Num
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// weeks lists the weeks with their states.
func (c *Console) weeks(w http.ResponseWriter, r *http.Request) {
	const n = 30
	ws, err := c.loadWeekStates(r.Context(), n)
	if err != nil {
		c.fail("weeks", err)
		c.message(w, r, http.StatusInternalServerError, "Something went wrong", "The list of weeks could not be read.")
		return
	}
	var rows []weekRow
	for _, wk := range c.listWeeks(ws, n) {
		rows = append(rows, c.row(r.Context(), ws, wk))
	}
	c.render(w, r, http.StatusOK, "weeks", page{Title: "Weeks", Nav: "weeks", Data: rows})
}

// reviewLine is one review of the week as the week page lists it.
type reviewLine struct {
	Section, Title, File string
}

// problemLine is one broken review: its file, line and field.
type problemLine struct {
	File  string
	Line  int
	Field string
	Text  string
}

// weekPage is the week page's data.
type weekPage struct {
	Week      string
	Dates     string
	Reviews   []reviewLine
	Problems  []problemLine
	Drafts    int
	Notes     []string
	Collected error
	Built     bool
	BuiltAt   time.Time
	Figures   Figures
	HasLedger bool
	Held      string
	Plan      *editor.Plan
	Failures  []delivery.Failure
	MoreFails int
	SendJob   *sendJob
	Stats     *store.IssueStats
	Default   string // the test copy's default address
	Zone      string
	Live      bool
}

// week shows one week: its reviews (the broken ones with file, line and
// field), its build, its send and the actions.
func (c *Console) week(w http.ResponseWriter, r *http.Request) {
	wk, ok := c.weekOf(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	id := wk.String()
	start := wk.Start(c.cfg.Location)
	p := weekPage{Week: id, Dates: start.Format("Monday, January 2") + " to " + start.AddDate(0, 0, 6).Format("Sunday, January 2, 2006"),
		Default: sessionOf(r).Editor.Email, Zone: c.cfg.Location.String()}
	if res, err := c.d.Desk.Collect(ctx, wk); err != nil {
		p.Collected = err
	} else {
		for _, rv := range res.Reviews {
			p.Reviews = append(p.Reviews, reviewLine{Section: rv.Section, Title: rv.Title, File: rv.Source})
		}
		for _, err := range res.Skipped {
			p.Problems = append(p.Problems, problems(err)...)
		}
		p.Drafts, p.Notes = res.Drafts, res.Notes
	}
	if f, err := c.d.Issues.Open(ctx, id, artifact.ManifestFile); err == nil {
		if fi, err := f.Stat(); err == nil {
			p.Built, p.BuiltAt = true, fi.ModTime().In(c.cfg.Location)
		}
		_ = f.Close()
	} else if !errors.Is(err, artifact.ErrNotFound) {
		c.fail("week "+id, err)
	}
	holds, err := c.d.Ledger.Holds(ctx)
	if err != nil {
		c.fail("holds", err)
	}
	p.Held = holds[id]
	fig, err := c.weekFigures(ctx, id, p.Held != "")
	if err != nil {
		c.fail("figures "+id, err)
	}
	p.Figures, p.HasLedger, p.Live = fig, fig.Total > 0, fig.Running
	if plan, ok, err := c.d.Ledger.Plan(ctx, id); err == nil && ok && plan.State == editor.PlanScheduled {
		p.Plan = &plan
	}
	if fig.Failed+fig.Retrying > 0 {
		// The first hundred; the figures count them all.
		fails, err := c.d.Ledger.FirstFailures(ctx, id, 100)
		if err != nil {
			c.fail("failures "+id, err)
		}
		p.MoreFails = max(0, fig.Failed+fig.Retrying-len(fails))
		p.Failures = fails
	}
	c.mu.Lock()
	if j := c.sends[id]; j != nil {
		cp := *j
		p.SendJob = &cp
	}
	c.mu.Unlock()
	c.render(w, r, http.StatusOK, "week", page{Title: "Week " + id, Nav: "weeks", Data: p})
}

// weekFigures are a week's figures: for a week whose send is over (not
// sending here, not paused, its run finished if it had one) the kept
// figures, so a page never counts a finished ledger; otherwise the live
// ones.
func (c *Console) weekFigures(ctx context.Context, week string, held bool) (Figures, error) {
	c.mu.Lock()
	j := c.sends[week]
	sending := j != nil && j.Running
	c.mu.Unlock()
	if !held && !sending && !c.d.Progress.Live(week).Running {
		if _, cached := c.cachedFigures(week); !cached {
			started, finished, err := c.d.Ledger.RunState(ctx, week)
			st, ok, serr := c.d.Ledger.IssueStatsOf(ctx, week)
			if err == nil && serr == nil && ok && (!started || finished) && st.Pending == 0 {
				return Figures{Total: st.Total, Sent: st.Sent, Failed: st.Failed, Retrying: st.Retrying, Skipped: st.Skipped,
					At: st.Computed, Known: true}, nil
			}
		}
	}
	return c.figures(ctx, week)
}

// problems lists the review errors inside err (a review's problems come
// joined), each with its file, line and field.
func problems(err error) []problemLine {
	var out []problemLine
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			if re, ok := err.(*markdown.ReviewError); ok {
				out = append(out, problemLine{File: re.File, Line: re.Line, Field: re.Field, Text: re.Err.Error()})
				return
			}
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		out = append(out, problemLine{Text: err.Error()})
	}
	walk(err)
	return out
}

// build builds the week's issue; a build that fails shows why (the
// broken reviews with file, line and field), and the old issue stays.
func (c *Console) build(w http.ResponseWriter, r *http.Request) {
	wk, ok := c.weekOf(w, r)
	if !ok {
		return
	}
	_, err := c.d.Desk.Build(r.Context(), wk)
	c.forgetBuilt()
	if err != nil {
		c.audit(r, editor.ActionBuild, wk.String(), "failed: "+err.Error())
		c.message(w, r, http.StatusUnprocessableEntity, "The build failed", err.Error())
		return
	}
	c.audit(r, editor.ActionBuild, wk.String(), "")
	redirectDone(w, r, "/admin/weeks/"+wk.String(), "built", 0)
}
