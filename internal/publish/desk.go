package publish

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/newsletter"
)

// AudienceCounter counts the members a send would still reach; the store
// implements it.
type AudienceCounter interface {
	CountAudience(ctx context.Context, issueID string, a delivery.Audience) (int, error)
}

// Desk is the publish side as the editors' console drives it: the week's
// reviews, its build, a member's copy, test copies and the send.
type Desk struct {
	Job      *Job
	Audience delivery.Audience
	Counter  AudienceCounter
}

// Collect reads the week's reviews, keeping the broken ones as errors
// (each names its file, line and field) beside the good ones: the console
// shows both, and a build still refuses the broken.
func (d *Desk) Collect(ctx context.Context, week issue.Week) (*issue.Collection, error) {
	res, err := d.Job.Builder.Source.Collect(ctx, week, true)
	if err != nil {
		return nil, fmt.Errorf("publish: collect %s: %w", week, err)
	}
	return res, nil
}

// Build builds the week's issue (in a child process when the job has a
// Runner) and returns it as built.
func (d *Desk) Build(ctx context.Context, week issue.Week) (*Built, error) {
	return d.Job.build(ctx, week, false)
}

// Built returns the week's built issue; an error wrapping
// artifact.ErrNotFound when it has not been built.
func (d *Desk) Built(ctx context.Context, week issue.Week) (*Built, error) {
	return d.Job.Builder.LoadBuilt(ctx, week)
}

// Message is m's copy of the built issue, exactly as the send renders it
// (their name, their signed links, the PDF attached or linked).
func (d *Desk) Message(ctx context.Context, b *Built, m member.Member) (newsletter.Message, error) {
	c := &Composer{Built: b, Links: d.Job.Links, AttachMaxBytes: d.Job.AttachMaxBytes, PublicIssues: d.Job.PublicIssues}
	content, err := c.Compose(ctx, m)
	if err != nil {
		return newsletter.Message{}, err
	}
	return newsletter.Message{HTML: strings.Join(content.HTMLParts, ""), Text: strings.Join(content.TextParts, "")}, nil
}

// TestSend sends one copy of the week's issue (as built) to each address,
// touching no ledger; it returns the relay's reply to each.
func (d *Desk) TestSend(ctx context.Context, week issue.Week, to []string) ([]string, error) {
	p, err := d.Job.Prepare(ctx, week, false, false)
	if errors.Is(err, ErrEmptyWeek) {
		return nil, fmt.Errorf("publish: test %s: no reviews in the week", week)
	}
	if err != nil {
		return nil, err
	}
	var replies []string
	for _, addr := range to {
		reply, err := p.Sender.SendTest(ctx, week.String(), addr)
		if err != nil {
			return replies, fmt.Errorf("publish: test copy to %s: %w", addr, err)
		}
		replies = append(replies, reply)
	}
	return replies, nil
}

// SendWeek delivers the week's issue through the ledger.
func (d *Desk) SendWeek(ctx context.Context, week issue.Week) (delivery.Summary, error) {
	return Editor{Job: d.Job}.SendWeek(ctx, week)
}

// Reach counts the members a send of the week would still reach.
func (d *Desk) Reach(ctx context.Context, week issue.Week) (int, error) {
	return d.Counter.CountAudience(ctx, week.String(), d.Audience)
}
