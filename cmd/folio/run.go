package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/foliopress/folio/internal/publish"
	"github.com/foliopress/folio/issue"
)

func (c *cli) runCmd() *cobra.Command {
	var week string
	cmd := &cobra.Command{
		Use:   "run [--week W]",
		Short: "The scheduled job once: build the week's issue and send it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, w, err := c.configWeek(week)
			if err != nil {
				return err
			}
			svc, err := c.services(cmd.Context(), cfg, true)
			if err != nil {
				return err
			}
			defer svc.Close()
			return c.runWeek(cmd.Context(), svc, w)
		},
	}
	cmd.Flags().StringVar(&week, "week", "", "ISO week to run, e.g. 2019-W41 (default: the current week)")
	return cmd
}

// runWeek builds and sends one week, telling the operator what happened.
func (c *cli) runWeek(ctx context.Context, svc *services, w issue.Week) error {
	prog := newProgress(c.stdout)
	job, err := c.job(svc, prog.observe(c.log))
	if err != nil {
		return err
	}
	return c.runJob(ctx, job, w, prog)
}

// runJob is runWeek with the job already wired (serve shares one); prog,
// when not nil, is ended before the summary is printed.
func (c *cli) runJob(ctx context.Context, job *publish.Job, w issue.Week, prog *progress) error {
	p, sum, err := job.Run(ctx, w)
	if prog != nil {
		prog.done()
	}
	if p != nil {
		c.reportSkipped(p.Built)
	}
	if errors.Is(err, publish.ErrEmptyWeek) {
		c.stdout.printf("%s: no reviews in the week; nothing built, nothing sent\n", w)
		return nil
	}
	if p != nil && p.Built != nil && p.Rebuilt {
		c.stdout.printf("built %s: %d reviews, %s\n", w, len(p.Built.Issue.Reviews()), p.Built.Dir)
	}
	if p != nil && p.Sender != nil {
		c.stdout.println(summaryLine(ctx, job.Store, sum))
	}
	if err == nil && ctx.Err() != nil {
		return nil // stopped on request: the rest is pending for the next run
	}
	if err == nil && sum.Remaining() > 0 {
		// Not done: the scheduler wakes again and resumes; cron and the
		// operator see a failure rather than a half-sent run reported done.
		err = fmt.Errorf("run %s: %d deliveries still pending or retrying; they are resumed by the next run", w, sum.Remaining())
	}
	return err
}
