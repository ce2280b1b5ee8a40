package publish

import (
	"context"
	"errors"
	"fmt"

	"github.com/foliopress/folio/internal/delivery"

	"github.com/foliopress/folio/issue"
)

// Editor is the job as the editor API drives it: send a week by hand
// (the issue as built, building it if missing) or send a test copy.
type Editor struct {
	Job *Job
}

// SendWeek delivers week's issue through the ledger, like `folio send`.
func (e Editor) SendWeek(ctx context.Context, week issue.Week) (delivery.Summary, error) {
	p, err := e.Job.Prepare(ctx, week, false, false)
	if errors.Is(err, ErrEmptyWeek) {
		return delivery.Summary{IssueID: week.String()}, fmt.Errorf("publish: send %s: no reviews in the week", week)
	}
	if err != nil {
		return delivery.Summary{IssueID: week.String()}, err
	}
	return e.Job.Send(ctx, p, week)
}

// TestSend sends one copy of week's issue to addr, touching no ledger.
func (e Editor) TestSend(ctx context.Context, week issue.Week, to string) error {
	p, err := e.Job.Prepare(ctx, week, false, false)
	if err != nil {
		return err
	}
	_, err = p.Sender.SendTest(ctx, week.String(), to)
	return err
}
