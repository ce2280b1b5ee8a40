package main

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"folio.example/folio/config"
	"folio.example/folio/issue"
	"folio.example/folio/schedule"
)

func (c *cli) serveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the weekly job on the config's cron schedule until SIGINT or SIGTERM",
		Long: "Serve wakes on [schedule] cron (and every quarter hour, and at start) and runs\n" +
			"the due week's job once: the store remembers which weeks ran, so restarts, DST\n" +
			"changes and second instances never double or skip a week, and a run missed\n" +
			"while the daemon was down is caught up within [schedule] catch_up.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cfg, err := c.config()
			if err != nil {
				return err
			}
			spec, err := schedule.Parse(cfg.Schedule.Cron, cfg.Location)
			if err != nil {
				return err
			}
			svc, err := c.services(ctx, cfg, true)
			if err != nil {
				return err
			}
			defer svc.Close()
			sched := &schedule.Scheduler{
				Spec:    spec,
				CatchUp: config.Duration(cfg.Schedule.CatchUp),
				Runs:    svc.store,
				Now:     time.Now,
				Job: func(ctx context.Context, w issue.Week) error {
					return c.runWeek(ctx, svc, w)
				},
				Report: func(o schedule.Outcome, err error) {
					if err != nil {
						c.log.Error("scheduled run failed", "week", o.Week.String(), "err", err)
						return
					}
					c.log.Info("wake", "week", o.Week.String(), "due", o.Due.Format(time.RFC3339), "outcome", o.Reason)
				},
			}
			c.log.Info("serving", "schedule", spec.CronSpec(), "catch_up", cfg.Schedule.CatchUp)
			if err := sched.Run(ctx); err != nil {
				return err
			}
			c.log.Info("stopped")
			return nil
		},
	}
}
