package schedule

import (
	"context"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"folio.example/folio/issue"
)

// Runs records which weeks' runs have started and finished. The store
// implements it; StartRun is atomic, so of two instances only one starts.
type Runs interface {
	RunState(ctx context.Context, week string) (started, finished bool, err error)
	StartRun(ctx context.Context, week string, at time.Time) (started bool, err error)
	FinishRun(ctx context.Context, week string, at time.Time) error
}

// Job is the weekly job: build and send week's issue. It must be safe to
// run again for a week it did not finish (the delivery ledger resumes).
type Job func(ctx context.Context, week issue.Week) error

// Outcome says what a wake-up decided.
type Outcome struct {
	Week   issue.Week
	Due    time.Time // the fire time the decision is about
	Ran    bool
	Reason string // why it did not run, or "ran"
}

// Scheduler wakes on the spec and runs the due week once.
type Scheduler struct {
	Spec    *Spec
	CatchUp time.Duration // a fire older than this is not caught up
	Runs    Runs
	Job     Job
	Now     func() time.Time
	// Report, if set, hears every wake-up's outcome (cmd logs it).
	Report func(Outcome, error)
}

// Wake decides whether a run is due now and, if so, runs it. Calling it
// again, from this process or another, is harmless.
func (s *Scheduler) Wake(ctx context.Context) (Outcome, error) {
	now := s.Now()
	due, ok := s.Spec.Last(now)
	if !ok {
		return Outcome{Reason: "no fire time in the last 31 days"}, nil
	}
	out := Outcome{Week: issue.WeekOf(due.In(s.Spec.Location)), Due: due}
	if now.Sub(due) > s.CatchUp {
		out.Reason = fmt.Sprintf("last fire %s is older than catch_up %s", due.Format(time.RFC3339), s.CatchUp)
		return out, nil
	}
	week := out.Week.String()
	started, finished, err := s.Runs.RunState(ctx, week)
	if err != nil {
		return out, fmt.Errorf("schedule: run state of %s: %w", week, err)
	}
	if finished {
		out.Reason = "already done"
		return out, nil
	}
	if !started {
		won, err := s.Runs.StartRun(ctx, week, now)
		if err != nil {
			return out, fmt.Errorf("schedule: start run %s: %w", week, err)
		}
		if !won {
			out.Reason = "started elsewhere"
			return out, nil
		}
	}
	if err := s.Job(ctx, out.Week); err != nil {
		return out, fmt.Errorf("schedule: run %s: %w", week, err)
	}
	if err := ctx.Err(); err != nil {
		// Stopped mid-run: the week stays unfinished and resumes next time.
		out.Reason = "stopped before the run finished"
		return out, nil
	}
	if err := s.Runs.FinishRun(ctx, week, s.Now()); err != nil {
		return out, fmt.Errorf("schedule: finish run %s: %w", week, err)
	}
	out.Ran, out.Reason = true, "ran"
	return out, nil
}

// SafetyTick is how often Run wakes besides the spec's own fire times, so
// a fire robfig/cron skips (a spring-forward gap) or a failed run is
// still picked up.
const SafetyTick = "*/15 * * * *"

// Run wakes at start, on the spec and every quarter hour until ctx is
// done, then waits for a running job to finish. Recover is outermost, so a
// panicking job neither kills the process nor leaks SkipIfStillRunning's
// token.
func (s *Scheduler) Run(ctx context.Context) error {
	c := cron.New(cron.WithLocation(s.Spec.Location))
	// One wrapped job for both entries, so they share one
	// SkipIfStillRunning token and never run side by side.
	wake := cron.NewChain(cron.Recover(cronLogger{s}), cron.SkipIfStillRunning(cronLogger{s})).Then(cron.FuncJob(func() {
		out, err := s.Wake(ctx)
		if s.Report != nil {
			s.Report(out, err)
		}
	}))
	if _, err := c.AddJob(s.Spec.CronSpec(), wake); err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	if _, err := c.AddJob("CRON_TZ=UTC "+SafetyTick, wake); err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	c.Start()
	wake.Run() // catch up at start
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

// cronLogger hands robfig/cron's messages (a recovered panic) to Report.
type cronLogger struct{ s *Scheduler }

func (l cronLogger) Info(string, ...any) {}
func (l cronLogger) Error(err error, msg string, kv ...any) {
	if l.s.Report != nil {
		l.s.Report(Outcome{Reason: msg}, fmt.Errorf("schedule: %s: %w %v", msg, err, kv))
	}
}
