package publish

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/issue"
)

// ErrHeld is returned by Job.Send when an editor paused the week's send:
// nothing more is sent (messages in flight finish) until it is resumed.
var ErrHeld = errors.New("publish: the send is paused by an editor")

// Holds says whether an editor paused a week's send; the store keeps the
// pause, so every instance sending the week stops.
type Holds interface {
	Held(ctx context.Context, week string) (held bool, by string, err error)
}

// DefaultHoldPoll is how often a send looks whether it was paused.
const DefaultHoldPoll = 2 * time.Second

// Send delivers p's issue to week's audience: the scheduled run, an
// editor's send, a join and `folio send` all go through it. A week an
// editor paused is not sent (ErrHeld); one paused while it is sent stops
// within HoldPoll, as a send stops on SIGTERM: messages in flight finish
// and the rest stays pending for the resume. Observe, when set, hears the
// send's start and end (the console's live progress).
func (j *Job) Send(ctx context.Context, p *Prepared, week issue.Week) (delivery.Summary, error) {
	id := week.String()
	if j.Holds != nil {
		held, by, err := j.Holds.Held(ctx, id)
		if err != nil {
			return delivery.Summary{IssueID: id}, fmt.Errorf("publish: send %s: %w", week, err)
		}
		if held {
			return delivery.Summary{IssueID: id, Reason: "paused by " + by}, fmt.Errorf("%w (%s): %s", ErrHeld, by, week)
		}
	}
	if j.Observe != nil {
		defer j.Observe(id)()
	}
	sendCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	watched := make(chan struct{})
	if j.Holds != nil {
		go func() {
			defer close(watched)
			j.watchHold(sendCtx, id, cancel)
		}()
	} else {
		close(watched)
	}
	sum, err := p.Sender.Send(sendCtx, id)
	cause := context.Cause(sendCtx)
	cancel(nil)
	<-watched
	if err == nil && errors.Is(cause, ErrHeld) && ctx.Err() == nil {
		sum.Reason = "paused by an editor; the rest is pending"
		return sum, fmt.Errorf("%w: %s", ErrHeld, week)
	}
	return sum, err
}

// watchHold cancels a send with ErrHeld once week is held.
func (j *Job) watchHold(ctx context.Context, week string, cancel context.CancelCauseFunc) {
	every := j.HoldPoll
	if every <= 0 {
		every = DefaultHoldPoll
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if held, _, err := j.Holds.Held(ctx, week); err == nil && held {
				cancel(ErrHeld)
				return
			}
		}
	}
}
