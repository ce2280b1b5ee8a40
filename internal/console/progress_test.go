package console

import (
	"sync"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
)

// TestProgressRate: the rate is the sent count's growth over the samples
// Live takes, and no rate is claimed for a week not being sent.
func TestProgressRate(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	p := NewProgress(clock)
	done := p.Start("w")
	p.Live("w")
	for range 10 {
		for range 50 {
			p.Observe(delivery.Result{IssueID: "w", State: delivery.StateSent})
		}
		mu.Lock()
		now = now.Add(2 * time.Second)
		mu.Unlock()
		p.Live("w")
	}
	l := p.Live("w")
	if !l.Running || l.Rate < 24 || l.Rate > 26 {
		t.Errorf("live %+v, want a rate of 25 a second", l)
	}
	p.Observe(delivery.Result{IssueID: "w", State: delivery.StateFailedPerm})
	if l := p.Live("w"); l.mark.sent != 500 || l.mark.failed != 1 {
		t.Errorf("counts %+v", l.mark)
	}
	done()
	if l := p.Live("w"); l.Running || l.Rate != 0 {
		t.Errorf("after the send: %+v", l)
	}
}
