package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"github.com/foliopress/folio/internal/delivery"

	"github.com/spf13/cobra"

	"github.com/foliopress/folio/internal/config"
	"github.com/foliopress/folio/internal/publish"
	"github.com/foliopress/folio/internal/schedule"
	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/server"
)

func (c *cli) serveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the weekly job on the config's cron schedule and the web side, until SIGINT or SIGTERM",
		Long: "Serve wakes on [schedule] cron (and every quarter hour, and at start) and runs\n" +
			"the due week's job once: the store remembers which weeks ran, so restarts, DST\n" +
			"changes and second instances never double or skip a week, and a run missed\n" +
			"while the daemon was down is caught up within [schedule] catch_up.\n" +
			"On [server] listen it serves one-click unsubscribe, members' archives, the\n" +
			"issues' web versions, the editor API (FOLIO_ADMIN_TOKEN), /healthz and /metrics.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cfg, err := c.config()
			if err != nil {
				return err
			}
			spec, err := schedule.Parse(cfg.Schedule.Cron, cfg.Location)
			if err != nil {
				return fmt.Errorf("config: [schedule] cron: %w", err)
			}
			svc, err := c.services(ctx, cfg, true)
			if err != nil {
				return err
			}
			defer svc.Close()

			metrics := server.NewMetrics()
			prog := newProgress(c.stdout)
			observe := prog.observe(c.log)
			job, err := c.job(svc, func(r delivery.Result) {
				observe(r)
				metrics.ObserveResult(r)
			})
			if err != nil {
				return err
			}
			srv, err := server.New(server.Config{
				OutDir:     cfg.Build.OutDir,
				Links:      svc.links,
				AdminToken: c.getenv(envAdminToken),
				Magazine:   cfg.Magazine.Name,
				OnError: func(op string, err error) {
					c.log.Error("http", "op", op, "err", err)
				},
				ErrorLog: slog.NewLogLogger(c.log.Handler(), slog.LevelWarn),
			}, server.Deps{
				Members: svc.store, Lifecycle: c.lifecycle(cfg, svc.store), Directory: svc.store,
				Archive: svc.store, Ledger: svc.store,
				Editor: publish.Editor{Job: job}, Metrics: metrics,
			})
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", cfg.Server.Listen)
			if err != nil {
				return fmt.Errorf("serve: [server] listen: %w", err)
			}
			sched := c.scheduler(cfg, spec, svc, job, metrics)
			c.log.Info("serving", "schedule", spec.CronSpec(), "catch_up", cfg.Schedule.CatchUp, "http", ln.Addr().String())

			var wg sync.WaitGroup
			errs := make(chan error, 2)
			wg.Go(func() { errs <- srv.Serve(ctx, ln) })
			wg.Go(func() { errs <- sched.Run(ctx) })
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					return err
				}
			}
			c.log.Info("stopped")
			return nil
		},
	}
}

// scheduler wires the weekly job to the clock; its outcomes go to the log
// and the last-run metric.
func (c *cli) scheduler(cfg *config.Config, spec *schedule.Spec, svc *services, job *publish.Job, m *server.Metrics) *schedule.Scheduler {
	host, _ := os.Hostname()
	tag := make([]byte, 4)
	_, _ = rand.Read(tag)
	return &schedule.Scheduler{
		Spec:    spec,
		CatchUp: config.Duration(cfg.Schedule.CatchUp),
		Runs:    svc.store,
		Now:     time.Now,
		Owner:   fmt.Sprintf("%s/%d/%x", host, os.Getpid(), tag),
		Job: func(ctx context.Context, w issue.Week) error {
			return c.runJob(ctx, job, w, nil)
		},
		Report: func(o schedule.Outcome, err error) {
			if err != nil {
				c.log.Error("scheduled run failed", "week", o.Week.String(), "err", err)
				return
			}
			if o.Ran {
				m.SetLastRun(time.Now())
			}
			c.log.Info("wake", "week", o.Week.String(), "due", o.Due.Format(time.RFC3339), "outcome", o.Reason)
		},
	}
}
