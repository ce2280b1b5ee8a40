package schedule

import (
	"context"
	"sync"
	"time"
)

// Running is the set of issues this process is sending, so that it never
// joins its own send. Safe for concurrent use.
type Running struct {
	mu     sync.Mutex
	issues map[string]int
}

// Start marks issueID as sent here until done is called.
func (r *Running) Start(issueID string) (done func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.issues == nil {
		r.issues = map[string]int{}
	}
	r.issues[issueID]++
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.issues[issueID]--; r.issues[issueID] <= 0 {
			delete(r.issues, issueID)
		}
	}
}

// Has reports whether issueID is being sent here.
func (r *Running) Has(issueID string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.issues[issueID] > 0
}

// Joiner makes this instance help with every send another instance
// started — the scheduled run one instance won, or an editor's send:
// every Every it asks the store which issues a live process is sending
// and joins each one this process is not sending yet. Claims are safe
// between instances (the store's row locks), so joining only adds
// workers.
type Joiner struct {
	// Sends lists the issues a live process is sending now.
	Sends func(ctx context.Context) ([]string, error)
	// Join sends issueID here until nothing is due.
	Join    func(ctx context.Context, issueID string) error
	Running *Running
	Every   time.Duration
	// Report, if set, hears each join's end, or a failure to look.
	Report func(issueID string, err error)
}

// Run looks for sends to join until ctx is done. Joins run one at a
// time, in this goroutine.
func (j *Joiner) Run(ctx context.Context) error {
	t := time.NewTicker(j.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			j.Once(ctx)
		}
	}
}

// Once joins, one after the other, every send under way elsewhere.
func (j *Joiner) Once(ctx context.Context) {
	ids, err := j.Sends(ctx)
	if err != nil {
		j.report("", err)
		return
	}
	for _, id := range ids {
		if ctx.Err() != nil || j.Running.Has(id) {
			continue
		}
		done := j.Running.Start(id)
		err := j.Join(ctx, id)
		done()
		j.report(id, err)
	}
}

func (j *Joiner) report(id string, err error) {
	if j.Report != nil {
		j.Report(id, err)
	}
}
