package delivery_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/mailer/smtptest"
)

// rateLimitedRelay accepts at most n messages per window and answers
// the rest with a 451 about its rate, as a provider's relay does.
type rateLimitedRelay struct {
	n      int
	window time.Duration

	mu        sync.Mutex
	took      []time.Time
	throttled int
}

func (r *rateLimitedRelay) script(c smtptest.Call) smtptest.Action {
	if c.Stage != smtptest.StageRcpt {
		return smtptest.Action{}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	for len(r.took) > 0 && now.Sub(r.took[0]) > r.window {
		r.took = r.took[1:]
	}
	if len(r.took) >= r.n {
		r.throttled++
		return smtptest.Action{Reply: smtptest.Throttled}
	}
	r.took = append(r.took, now)
	return smtptest.Action{}
}

// TestThrottlingSlowsTheWholeRun: a relay that answers "451 4.7.1 rate
// limit exceeded" past 40 messages a second slows the whole run down
// (AIMD) instead of deferring each refused member to its own retry: every
// member gets the issue in this run, after a handful of refusals.
func TestThrottlingSlowsTheWholeRun(t *testing.T) {
	t.Parallel() // waits on clocks and peers more than it computes
	relay := &rateLimitedRelay{n: 8, window: 200 * time.Millisecond}
	srv := smtptest.Start(t, smtptest.WithScript(relay.script))
	const members = 60
	st := newStore(t, members)
	s := sender(t, st, smtpTo(srv), func(o *delivery.Options) { o.Workers = 4 })
	start := time.Now()
	sum, err := s.Send(context.Background(), issueID)
	if err != nil || sum.Sent != members || sum.Retrying != 0 {
		t.Fatalf("%+v %v", sum, err)
	}
	relay.mu.Lock()
	defer relay.mu.Unlock()
	t.Logf("%d members in %v, %d refusals about the rate", members, time.Since(start).Round(time.Millisecond), relay.throttled)
	if relay.throttled > members/2 {
		t.Errorf("the relay refused %d times: the run did not slow down", relay.throttled)
	}
}

// TestThrottling421LeavesConnectionsLong: a 421 that asks the run to slow
// down ("421 4.7.0 rate limit exceeded") ends that connection, but it
// says nothing of how many messages a session may carry: the run slows
// down and keeps using long connections, instead of recycling every
// connection after as many messages as the one told off had carried.
func TestThrottling421LeavesConnectionsLong(t *testing.T) {
	t.Parallel() // waits on clocks and peers more than it computes
	var once sync.Once
	srv := smtptest.Start(t, smtptest.WithScript(func(c smtptest.Call) smtptest.Action {
		act := smtptest.Action{}
		if c.Stage == smtptest.StageRcpt && c.Accepted >= 3 {
			once.Do(func() {
				act.Reply = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "rate limit exceeded, slow down"}
			})
		}
		return act
	}))
	const members = 60
	st := newStore(t, members)
	sum, err := sender(t, st, smtpTo(srv), func(o *delivery.Options) { o.Workers = 2 }).Send(context.Background(), issueID)
	if err != nil || sum.Sent != members || sum.Retrying != 0 {
		t.Fatalf("%+v %v", sum, err)
	}
	if n := srv.Connections(); n > 8 {
		t.Errorf("%d connections for %d messages: a 421 about the pace cut every later connection short", n, members)
	}
}
