package publish

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/foliopress/folio/internal/artifact"
	"github.com/foliopress/folio/internal/delivery"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/store"
)

// Ledger is what the job reads and records in the store besides what the
// sender itself uses.
type Ledger interface {
	Counts(ctx context.Context, issueID string) (map[delivery.State]int, error)
	RecordIssue(ctx context.Context, is store.Issue) error
	NoteIssue(ctx context.Context, week string, at time.Time) error
}

// Runner builds a week's issue into the builder's artifacts somewhere
// else than this process: serve runs every build as a child `folio build`
// under a memory bound, so one bad photo cannot take the web side down.
type Runner interface {
	BuildWeek(ctx context.Context, week issue.Week, skipInvalid bool) error
}

// PauseEnder makes active again the members whose own pause has ended
// (*store.Store implements it).
type PauseEnder interface {
	ResumePaused(ctx context.Context, now time.Time) (int, error)
}

// Job is the weekly job and the editor's send: build (or load) a week's
// issue and deliver it through a Sender made for it.
type Job struct {
	Builder *Builder
	// Runner, when set, runs the builds; nil builds in this process.
	Runner Runner
	Store  Ledger
	Links  Linker
	// AttachMaxBytes and PublicIssues: see Composer.
	AttachMaxBytes int
	PublicIssues   bool
	// NewSender makes the sender for one built issue.
	NewSender func(delivery.Composer) (*delivery.Sender, error)
	// Pauses, when set, ends the pauses that are over before each send,
	// so members back from a break are in its audience.
	Pauses PauseEnder
	Now    func() time.Time
	// Holds, when set, lets editors pause a week's send (see Send);
	// HoldPoll is how often a send looks, DefaultHoldPoll when zero.
	Holds    Holds
	HoldPoll time.Duration
	// Observe, when set, hears each send start; the func it returns is
	// called at its end.
	Observe func(week string) (done func())
}

// Prepared is a built issue and the sender that delivers it.
type Prepared struct {
	Built  *Built
	Sender *delivery.Sender
	// Rebuilt reports whether the issue was built now rather than loaded.
	Rebuilt bool
}

// Prepare readies week's issue for delivery. A week whose delivery has
// begun is loaded as built, so a resumed run sends the same issue; so is
// one already built, unless rebuild. Otherwise it is built now.
func (j *Job) Prepare(ctx context.Context, week issue.Week, skipInvalid, rebuild bool) (*Prepared, error) {
	if j.Pauses != nil {
		if _, err := j.Pauses.ResumePaused(ctx, j.now()); err != nil {
			return nil, fmt.Errorf("publish: end pauses: %w", err)
		}
	}
	counts, err := j.Store.Counts(ctx, week.String())
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	started := false
	for _, n := range counts {
		started = started || n > 0
	}
	var built *Built
	fresh := true
	if started || !rebuild {
		built, err = j.Builder.LoadBuilt(ctx, week)
		fresh = errors.Is(err, artifact.ErrNotFound)
	}
	if fresh {
		built, err = j.build(ctx, week, skipInvalid)
	}
	if err != nil {
		return &Prepared{Built: built}, err
	}
	if fresh {
		rec := store.Issue{Week: week.String(), BuiltAt: j.now(), PDFPath: filepath.Join(built.Dir, issue.PDFFile)}
		if err := j.Store.RecordIssue(ctx, rec); err != nil {
			return nil, fmt.Errorf("publish: %w", err)
		}
	} else if err := j.Store.NoteIssue(ctx, week.String(), j.now()); err != nil {
		// Built by `folio build` or by another instance: the issue goes
		// in members' archives all the same.
		return nil, fmt.Errorf("publish: %w", err)
	}
	sender, err := j.NewSender(&Composer{Built: built, Links: j.Links, AttachMaxBytes: j.AttachMaxBytes, PublicIssues: j.PublicIssues})
	if err != nil {
		return nil, err
	}
	return &Prepared{Built: built, Sender: sender, Rebuilt: fresh}, nil
}

// Run is the scheduled job once: build the week's issue (loading it if its
// delivery has begun) and send it to every eligible member. An empty week
// is ErrEmptyWeek: nothing is built or sent.
func (j *Job) Run(ctx context.Context, week issue.Week) (*Prepared, delivery.Summary, error) {
	p, err := j.Prepare(ctx, week, false, true)
	if err != nil {
		return p, delivery.Summary{}, err
	}
	sum, err := j.Send(ctx, p, week)
	if err != nil && !errors.Is(err, delivery.ErrPaused) && !errors.Is(err, ErrHeld) {
		return p, sum, fmt.Errorf("publish: send %s: %w", week, err)
	}
	return p, sum, err
}

// build builds week's issue, through the Runner when there is one.
func (j *Job) build(ctx context.Context, week issue.Week, skipInvalid bool) (*Built, error) {
	if j.Runner == nil {
		return j.Builder.Build(ctx, week, skipInvalid)
	}
	if err := j.Runner.BuildWeek(ctx, week, skipInvalid); err != nil {
		return nil, err
	}
	return j.Builder.LoadBuilt(ctx, week)
}

func (j *Job) now() time.Time {
	if j.Now != nil {
		return j.Now()
	}
	return time.Now()
}
