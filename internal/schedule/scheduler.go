package schedule

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/foliopress/folio/issue"
)

// Runs records which weeks' runs have started and finished, and which
// process holds an unfinished run. The store implements it; a claim is
// atomic, so of two instances only one runs a week, and a run left by a
// crashed process is taken over once its lease runs out.
type Runs interface {
	RunState(ctx context.Context, week string) (started, finished bool, err error)
	// UnfinishedRuns lists the weeks whose run started and did not finish,
	// oldest first.
	UnfinishedRuns(ctx context.Context) ([]string, error)
	ClaimRunLease(ctx context.Context, week, owner string, now, until time.Time) (bool, error)
	RenewRun(ctx context.Context, week, owner string, until time.Time) (bool, error)
	FinishRun(ctx context.Context, week string, at time.Time) error
}

// DefaultLease is how long a claimed run stays this process's without a
// renewal; it is renewed every third of it while the job runs.
const DefaultLease = 5 * time.Minute

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
	// Owner names this process in run claims (host, pid and a random
	// part); Lease is the claim's lifetime, DefaultLease when zero.
	Owner string
	Lease time.Duration
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
	week := out.Week.String()
	started, finished, err := s.Runs.RunState(ctx, week)
	if err != nil {
		return out, fmt.Errorf("schedule: run state of %s: %w", week, err)
	}
	if finished {
		out.Reason = "already done"
		return out, nil
	}
	// catch_up bounds starting a missed run; a run already under way is
	// resumed until it finishes (its retries give up on their own).
	if !started && now.Sub(due) > s.CatchUp {
		out.Reason = fmt.Sprintf("last fire %s is older than catch_up %s", due.Format(time.RFC3339), s.CatchUp)
		return out, nil
	}
	lease := s.lease()
	won, err := s.Runs.ClaimRunLease(ctx, week, s.Owner, now, now.Add(lease))
	if err != nil {
		return out, fmt.Errorf("schedule: claim run %s: %w", week, err)
	}
	if !won {
		out.Reason = "running elsewhere"
		return out, nil
	}
	if err := s.runHeld(ctx, out.Week, lease); err != nil {
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

// Resume resumes every week whose run started and did not finish (a relay
// that was down, retries still pending, a crash), besides skip — the week
// Wake has just decided about. Without it only the latest fire time's week
// was ever looked at: an unfinished week was abandoned as soon as the
// next one became due. Each is run under its own lease, as Wake runs the
// due week, and finished once its job succeeds.
func (s *Scheduler) Resume(ctx context.Context, skip issue.Week) ([]Outcome, error) {
	weeks, err := s.Runs.UnfinishedRuns(ctx)
	if err != nil {
		return nil, fmt.Errorf("schedule: unfinished runs: %w", err)
	}
	var outs []Outcome
	var errs []error
	for _, name := range weeks {
		w, err := issue.ParseWeek(name)
		if err != nil || w == skip {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		out, err := s.resume(ctx, w)
		outs = append(outs, out)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return outs, errors.Join(errs...)
}

// resume runs one unfinished week under its lease.
func (s *Scheduler) resume(ctx context.Context, w issue.Week) (Outcome, error) {
	out := Outcome{Week: w, Reason: "resumed"}
	now, lease := s.Now(), s.lease()
	won, err := s.Runs.ClaimRunLease(ctx, w.String(), s.Owner, now, now.Add(lease))
	if err != nil {
		return out, fmt.Errorf("schedule: claim run %s: %w", w, err)
	}
	if !won {
		out.Reason = "running elsewhere"
		return out, nil
	}
	if err := s.runHeld(ctx, w, lease); err != nil {
		return out, fmt.Errorf("schedule: resume %s: %w", w, err)
	}
	if ctx.Err() != nil {
		out.Reason = "stopped before the run finished"
		return out, nil
	}
	if err := s.Runs.FinishRun(ctx, w.String(), s.Now()); err != nil {
		return out, fmt.Errorf("schedule: finish run %s: %w", w, err)
	}
	out.Ran = true
	return out, nil
}

func (s *Scheduler) lease() time.Duration {
	if s.Lease > 0 {
		return s.Lease
	}
	return DefaultLease
}

// runHeld runs the job while renewing the run's lease; losing the lease
// (another process took the run over) cancels the job.
func (s *Scheduler) runHeld(ctx context.Context, w issue.Week, lease time.Duration) error {
	jobCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	done := make(chan struct{})
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(lease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-jobCtx.Done():
				return
			case <-t.C:
				held, err := s.Runs.RenewRun(jobCtx, w.String(), s.Owner, s.Now().Add(lease))
				if err == nil && !held {
					cancel(fmt.Errorf("schedule: lost the lease on %s's run", w))
					return
				}
			}
		}
	}()
	err := s.Job(jobCtx, w)
	close(done)
	<-renewed
	if cause := context.Cause(jobCtx); err == nil && cause != nil && ctx.Err() == nil {
		err = cause
	}
	return err
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
		resumed, err := s.Resume(ctx, out.Week)
		if s.Report != nil {
			for _, o := range resumed {
				s.Report(o, nil)
			}
			if err != nil {
				s.Report(Outcome{Reason: "resume"}, err)
			}
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
