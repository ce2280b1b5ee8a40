package console

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/foliopress/folio/internal/editor"
	"github.com/foliopress/folio/store"
)

// complaintLine is Gmail's limit on complaints of bulk senders: 0.3% of
// messages.
const complaintLine = 0.003

// dashboardPage is the dashboard's data.
type dashboardPage struct {
	Weeks   []weekRow
	Runs    []runLine
	NextRun time.Time
	Plans   []editor.Plan
	Holds   map[string]string
	Stats   []store.IssueStats
	Chart   chart
	Health  []health
	Zone    string
}

type runLine struct {
	Week     string
	Started  time.Time
	Finished time.Time
	Sending  bool
	By       string // the editor who started it; empty for the schedule's job
	Note     string // the audit log's detail: the members at confirmation
}

// lastRuns merges the scheduled job's runs with the sends editors started
// (the audit log's send entries), newest first, n at most.
func (c *Console) lastRuns(ctx context.Context, n int) []runLine {
	var out []runLine
	runs, err := c.d.Ledger.LastRuns(ctx, n)
	if err != nil {
		c.fail("runs", err)
	}
	for _, run := range runs {
		out = append(out, runLine{Week: run.Week, Started: run.Started.In(c.cfg.Location), Finished: run.Finished,
			Sending: c.d.Progress.Live(run.Week).Running})
	}
	log, err := c.d.Accounts.AuditLog(ctx, 200)
	if err != nil {
		c.fail("audit log", err)
	}
	for _, e := range log {
		if e.Action != editor.ActionSend && e.Action != editor.ActionRetryFailed {
			continue
		}
		out = append(out, runLine{Week: e.Target, Started: e.At.In(c.cfg.Location), By: e.Editor, Note: e.Detail, Sending: c.d.Progress.Live(e.Target).Running})
	}
	slices.SortStableFunc(out, func(a, b runLine) int { return b.Started.Compare(a.Started) })
	// A week's send shows as running on its newest line only.
	seen := map[string]bool{}
	for i := range out {
		if seen[out[i].Week] {
			out[i].Sending = false
		}
		seen[out[i].Week] = true
	}
	return out[:min(n, len(out))]
}

// health is one checked part and what was seen.
type health struct {
	Name string
	OK   bool
	Note string
}

// dashboard shows the last runs and the next, each issue's bounce and
// complaint rates against Gmail's 0.3% line, and the health of the relay,
// the store and the inbound listener.
func (c *Console) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := dashboardPage{Zone: c.cfg.Location.String()}
	p.Runs = c.lastRuns(ctx, 8)
	var err error
	if ws, err := c.loadWeekStates(ctx, 12); err != nil {
		c.fail("weeks", err)
	} else {
		for _, wk := range c.listWeeks(ws, 6) {
			p.Weeks = append(p.Weeks, c.row(ctx, ws, wk))
		}
	}
	if c.cfg.NextRun != nil {
		p.NextRun = c.cfg.NextRun(c.now()).In(c.cfg.Location)
	}
	if p.Plans, err = c.d.Ledger.Plans(ctx); err != nil {
		c.fail("plans", err)
	}
	if p.Holds, err = c.d.Ledger.Holds(ctx); err != nil {
		c.fail("holds", err)
	}
	if p.Stats, err = c.d.Ledger.AllIssueStats(ctx, 12); err != nil {
		c.fail("issue stats", err)
	}
	p.Chart = makeChart(p.Stats)
	p.Health = c.health(ctx)
	c.render(w, r, http.StatusOK, "dashboard", page{Title: "Dashboard", Nav: "dashboard", Data: p})
}

// chart is the issues' rates drawn as bars, with the complaint line.
type chart struct {
	Width, Height int
	Bars          []chartBar
	LineY         float64
	Max           float64
	MaxLabel      string
	Base          float64
}

type chartBar struct {
	Week            string
	X, Y, W, H      float64
	CX, CY, CW, CH  float64
	LabelX          float64
	Bounce, Complnt float64
}

// makeChart lays the last issues out oldest first: a bounce bar and a
// complaint bar each, on a scale that always shows the 0.3% line.
func makeChart(stats []store.IssueStats) chart {
	ch := chart{Width: 640, Height: 220, Base: 190}
	ordered := slices.Clone(stats)
	slices.Reverse(ordered)
	top := 0.005
	for _, st := range ordered {
		top = max(top, st.BounceRate()*1.15, st.ComplaintRate()*1.15)
	}
	ch.Max, ch.MaxLabel = top, fmt.Sprintf("%.1f%%", top*100)
	plot := ch.Base - 20
	y := func(v float64) float64 { return ch.Base - v/top*plot }
	ch.LineY = y(complaintLine)
	n := max(len(ordered), 1)
	slot := float64(ch.Width-60) / float64(n)
	for i, st := range ordered {
		x := 50 + float64(i)*slot
		bw := slot * 0.32
		b := chartBar{Week: st.Week, Bounce: st.BounceRate(), Complnt: st.ComplaintRate(), LabelX: x + slot*0.5}
		b.X, b.W, b.Y = x+slot*0.14, bw, y(b.Bounce)
		b.H = ch.Base - b.Y
		b.CX, b.CW, b.CY = b.X+bw+2, bw, y(b.Complnt)
		b.CH = ch.Base - b.CY
		ch.Bars = append(ch.Bars, b)
	}
	return ch
}

// healthCache keeps the checks' results for half a minute: a dashboard
// load must not dial the relay each time.
type healthCache struct {
	mu   sync.Mutex
	at   time.Time
	last []health
}

func (c *Console) health(ctx context.Context) []health {
	c.hc.mu.Lock()
	defer c.hc.mu.Unlock()
	if c.hc.last != nil && c.now().Sub(c.hc.at) < 30*time.Second {
		return c.hc.last
	}
	out := make([]health, len(c.d.Checks))
	var wg sync.WaitGroup
	for i, ch := range c.d.Checks {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			note, err := ch.Run(cctx)
			out[i] = health{Name: ch.Name, OK: err == nil, Note: note}
			if err != nil {
				out[i].Note = err.Error()
			}
		})
	}
	wg.Wait()
	c.hc.last, c.hc.at = out, c.now()
	return out
}

// refreshStats counts the figures of issues that have none yet, or whose
// send is recent enough for late bounces and complaints to arrive.
func (c *Console) refreshStats(ctx context.Context) {
	now := c.now()
	weeks, err := c.d.Ledger.StaleIssueStats(ctx, now.Add(-c.cfg.StatsEvery/2), now.AddDate(0, 0, -21))
	if err != nil {
		c.fail("stale stats", err)
		return
	}
	for _, w := range weeks {
		if ctx.Err() != nil {
			return
		}
		if c.d.Progress.Live(w).Running {
			continue // counted once the send is over
		}
		if _, err := c.d.Ledger.RefreshIssueStats(ctx, w, c.now()); err != nil {
			c.fail("stats "+w, err)
		}
	}
}
