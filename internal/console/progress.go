package console

import (
	"sync"
	"time"

	"github.com/foliopress/folio/internal/delivery"
)

// Progress is this instance's sends as they happen, from the sender's
// results (delivery.Options.OnResult) and the job's start and end
// (publish.Job.Observe). Each result costs a map lookup and three
// additions under a mutex: the live progress adds next to nothing to a
// send. The console adds these counts to the ledger's, read now and then.
type Progress struct {
	mu    sync.Mutex
	weeks map[string]*liveWeek
	now   func() time.Time
}

// liveWeek is one week's results here, counted since the process began.
type liveWeek struct {
	running  int
	started  time.Time
	sent     int64
	failed   int64 // failed for good
	retrying int64 // failed for now
	samples  [rateSamples]sample
	next     int
}

// sample is the sent count at a moment, for the send rate.
type sample struct {
	at   time.Time
	sent int64
}

const (
	rateSamples = 16
	// rateEvery is the spacing of rate samples: the rate is measured
	// over the last rateSamples × rateEvery (some 30 seconds).
	rateEvery = 2 * time.Second
)

// NewProgress returns an empty Progress; now is its clock (nil: time.Now).
func NewProgress(now func() time.Time) *Progress {
	if now == nil {
		now = time.Now
	}
	return &Progress{weeks: map[string]*liveWeek{}, now: now}
}

func (p *Progress) week(id string) *liveWeek {
	w := p.weeks[id]
	if w == nil {
		w = &liveWeek{}
		p.weeks[id] = w
	}
	return w
}

// Start marks week's send as running here until the returned func is
// called (publish.Job.Observe).
func (p *Progress) Start(week string) (done func()) {
	p.mu.Lock()
	w := p.week(week)
	w.running++
	if w.running == 1 {
		w.started = p.now()
	}
	p.mu.Unlock()
	return func() {
		p.mu.Lock()
		p.weeks[week].running--
		p.mu.Unlock()
	}
}

// Observe counts one delivery result (delivery.Options.OnResult): a map
// lookup and an addition; the clock is read by Live, not here.
func (p *Progress) Observe(r delivery.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	w := p.week(r.IssueID)
	switch r.State {
	case delivery.StateSent:
		w.sent++
	case delivery.StateFailedPerm:
		w.failed++
	case delivery.StateFailedTemp:
		w.retrying++
	}
}

// mark is a week's counters at one moment.
type mark struct {
	sent, failed, retrying int64
}

// Live is what this instance knows of a week's send.
type Live struct {
	Running bool
	Since   time.Time
	// Rate is messages sent a second over the last half minute or so.
	Rate float64
	mark mark
}

// Live returns week's live state; each call at least rateEvery after the
// last samples the sent count for the rate.
func (p *Progress) Live(week string) Live {
	p.mu.Lock()
	defer p.mu.Unlock()
	w := p.weeks[week]
	if w == nil {
		return Live{}
	}
	l := Live{Running: w.running > 0, Since: w.started, mark: mark{w.sent, w.failed, w.retrying}}
	now := p.now()
	if last := w.samples[(w.next+rateSamples-1)%rateSamples]; now.Sub(last.at) >= rateEvery {
		w.samples[w.next] = sample{at: now, sent: w.sent}
		w.next = (w.next + 1) % rateSamples
	}
	oldest := sample{at: now, sent: w.sent}
	for _, s := range w.samples {
		if !s.at.IsZero() && s.at.Before(oldest.at) && now.Sub(s.at) <= rateSamples*rateEvery {
			oldest = s
		}
	}
	if d := now.Sub(oldest.at).Seconds(); d >= 1 && w.running > 0 {
		l.Rate = float64(w.sent-oldest.sent) / d
	}
	return l
}
