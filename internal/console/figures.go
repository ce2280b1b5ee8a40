package console

import (
	"context"
	"sync"
	"time"

	"github.com/foliopress/folio/internal/delivery"
)

// Figures are a week's delivery counts as the console shows them.
type Figures struct {
	Total, Sent, Retrying, Failed, Pending, Skipped int
	// Rate is messages a second (this instance's recent pace), ETA the
	// time left at that rate; both zero when nothing is being sent here.
	Rate    float64
	ETA     time.Duration
	Running bool
	At      time.Time // when the ledger was read
	Known   bool      // false until the ledger was read once
}

// Done is the share of the week's members whose delivery is over.
func (f Figures) Done() float64 {
	if f.Total == 0 {
		return 0
	}
	return float64(f.Sent+f.Failed+f.Skipped) / float64(f.Total)
}

// Remaining counts deliveries not yet over.
func (f Figures) Remaining() int { return f.Pending + f.Retrying }

// figureCache keeps each week's ledger counts with the live counters as
// they were when the ledger was read: figures are those counts plus the
// results seen here since. The ledger is read again every figuresTTL (so
// other instances' work shows) — in the background, never while a page
// waits, once a week has been read once.
type figureCache struct {
	mu      sync.Mutex
	entries map[string]*figureEntry
}

type figureEntry struct {
	counts  map[delivery.State]int
	mark    mark
	at      time.Time
	loading bool
}

// figuresTTL is how old the ledger's counts may get; figuresTTLSending
// while this instance sends the week (a large ledger's count is not free,
// and it would be read on the send's time).
const (
	figuresTTL        = 10 * time.Second
	figuresTTLSending = time.Minute
)

// figures returns week's figures. The first call for a week reads the
// ledger while the caller waits; later ones use the kept counts and, when
// they are older than figuresTTL, read the ledger again in the background.
func (c *Console) figures(ctx context.Context, week string) (Figures, error) {
	fc := &c.figs
	fc.mu.Lock()
	e := fc.entries[week]
	now := c.now()
	ttl := figuresTTL
	if c.d.Progress.Live(week).Running {
		// Sending here: the live counters carry this instance's results
		// exactly; the ledger is read now and then only for others'.
		ttl = figuresTTLSending
	}
	if e != nil && now.Sub(e.at) > ttl && !e.loading {
		e.loading = true
		go func() {
			if err := c.loadFigures(context.WithoutCancel(ctx), week); err != nil {
				c.fail("figures "+week, err)
			}
		}()
	}
	fc.mu.Unlock()
	if e == nil {
		if err := c.loadFigures(ctx, week); err != nil {
			return Figures{}, err
		}
		fc.mu.Lock()
		e = fc.entries[week]
		fc.mu.Unlock()
	}
	live := c.d.Progress.Live(week)
	fc.mu.Lock()
	counts, m, at := e.counts, e.mark, e.at
	// The ledger was read before this send began (its rows may not have
	// existed yet): once its first results arrive, read it again — while
	// the caller waits if the week had no rows at all.
	stale := live.Running && at.Before(live.Since) && (live.mark != m || c.now().Sub(at) > time.Second) && !e.loading
	empty := len(counts) == 0
	if stale && !empty {
		e.loading = true
	}
	fc.mu.Unlock()
	if stale && empty {
		if err := c.loadFigures(ctx, week); err != nil {
			return Figures{}, err
		}
		live = c.d.Progress.Live(week)
		fc.mu.Lock()
		e = fc.entries[week]
		counts, m, at = e.counts, e.mark, e.at
		fc.mu.Unlock()
	}
	if stale && !empty {
		go func() {
			if err := c.loadFigures(context.WithoutCancel(ctx), week); err != nil {
				c.fail("figures "+week, err)
			}
		}()
	}
	f := Figures{
		Sent:     counts[delivery.StateSent] + int(live.mark.sent-m.sent),
		Failed:   counts[delivery.StateFailedPerm] + int(live.mark.failed-m.failed),
		Skipped:  counts[delivery.StateSkipped],
		Retrying: counts[delivery.StateFailedTemp],
		Running:  live.Running,
		Rate:     live.Rate,
		At:       at,
		Known:    true,
	}
	for _, n := range counts {
		f.Total += n
	}
	// What left pending or sending here went to sent or failed; retries
	// already counted as failed_temp stay so until the ledger is read.
	f.Sent = min(f.Sent, max(0, f.Total-f.Failed-f.Skipped))
	f.Pending = max(0, f.Total-f.Sent-f.Failed-f.Skipped-f.Retrying)
	if f.Running && f.Rate > 0 {
		f.ETA = time.Duration(float64(f.Remaining()) / f.Rate * float64(time.Second))
	}
	return f, nil
}

// loadFigures reads week's counts from the ledger and keeps them with the
// live counters of the moment.
func (c *Console) loadFigures(ctx context.Context, week string) error {
	live := c.d.Progress.Live(week)
	counts, err := c.d.Ledger.Counts(ctx, week)
	fc := &c.figs
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.entries == nil {
		fc.entries = map[string]*figureEntry{}
	}
	e := fc.entries[week]
	if err != nil {
		if e != nil {
			e.loading = false
		}
		return err
	}
	fc.entries[week] = &figureEntry{counts: counts, mark: live.mark, at: c.now()}
	return nil
}

// forget drops week's kept counts (after an action that changes the
// ledger behind the live counters' back: retry failed).
func (c *Console) forget(week string) {
	c.figs.mu.Lock()
	delete(c.figs.entries, week)
	c.figs.mu.Unlock()
}

// cachedFigures returns week's figures from the kept counts only; false
// when the ledger has not been read for the week yet.
func (c *Console) cachedFigures(week string) (Figures, bool) {
	c.figs.mu.Lock()
	_, ok := c.figs.entries[week]
	c.figs.mu.Unlock()
	if !ok {
		return Figures{}, false
	}
	f, err := c.figures(context.Background(), week)
	return f, err == nil
}

// warmFigures reads the ledger of every week being sent here or paused,
// so pages and the progress stream never wait for it.
func (c *Console) warmFigures(ctx context.Context) {
	weeks := map[string]bool{}
	c.d.Progress.mu.Lock()
	for w, lw := range c.d.Progress.weeks {
		if lw.running > 0 {
			weeks[w] = true
		}
	}
	c.d.Progress.mu.Unlock()
	if holds, err := c.d.Ledger.Holds(ctx); err == nil {
		for w := range holds {
			weeks[w] = true
		}
	}
	if runs, err := c.d.Ledger.LastRuns(ctx, 4); err == nil {
		for _, r := range runs {
			if r.Finished.IsZero() {
				weeks[r.Week] = true
			}
		}
	}
	for w := range weeks {
		c.figs.mu.Lock()
		e := c.figs.entries[w]
		stale := e == nil || c.now().Sub(e.at) > figuresTTL/2
		c.figs.mu.Unlock()
		if stale {
			if err := c.loadFigures(ctx, w); err != nil {
				c.fail("figures "+w, err)
			}
		}
	}
}
