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
	"github.com/foliopress/folio/internal/console"
	"github.com/foliopress/folio/internal/publish"
	"github.com/foliopress/folio/internal/schedule"
	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/server"
	"github.com/foliopress/folio/store"
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
			live := console.NewProgress(nil)
			job, err := c.job(svc, func(r delivery.Result) {
				observe(r)
				metrics.ObserveResult(r)
				live.Observe(r)
			})
			if err != nil {
				return err
			}
			job.Observe = live.Start
			if c.exe != "" {
				// Builds run in a child process under [build] memory_limit_mb.
				job.Runner = &childBuilder{exe: c.exe, configPath: cfg.Path, environ: c.environ, limitMB: cfg.Build.MemoryLimitMB,
					warn: func(line string) { c.log.Warn("build", "msg", line) }}
			}
			desk, err := c.desk(cfg, svc, job, spec, live)
			if err != nil {
				return err
			}
			defer desk.Close()
			side, err := c.inboundSide(cfg, svc, metrics)
			if err != nil {
				return err
			}
			srv, err := server.New(server.Config{
				PublicIssues: cfg.Server.PublicIssues,
				Links:        svc.links,
				AdminToken:   c.getenv(envAdminToken),
				Magazine:     cfg.Magazine.Name,
				OnRefused: func(what string, err error) {
					side.metrics.Refused(what, err)
					c.log.Warn("http refused", "what", what, "err", err)
				},
				OnError: func(op string, err error) {
					c.log.Error("http", "op", op, "err", err)
				},
				ErrorLog: slog.NewLogLogger(c.log.Handler(), slog.LevelWarn),
			}, server.Deps{
				Members: svc.store, Lifecycle: c.lifecycle(cfg, svc.store), Directory: svc.store,
				Archive: svc.store, Ledger: svc.store, Issues: svc.artifacts,
				Editor: publish.Editor{Job: job}, Metrics: metrics, Health: svc.store,
				Console:  desk.Handler(),
				Webhooks: side.hooks,
			})
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", cfg.Server.Listen)
			if err != nil {
				return fmt.Errorf("serve: [server] listen: %w", err)
			}
			running := &schedule.Running{}
			sched := c.scheduler(cfg, spec, svc, job, metrics, running)
			// The run lease this process wins is bound to it: another
			// instance takes the week over at once if it dies.
			release, err := svc.store.BindOwner(ctx, "", sched.Owner)
			if err != nil {
				return err
			}
			defer release()
			joiner := c.joiner(cfg, svc, job, running)
			c.log.Info("serving", "schedule", spec.CronSpec(), "catch_up", cfg.Schedule.CatchUp, "http", ln.Addr().String(),
				"store", svc.store.Engine())

			ctx, stop := context.WithCancel(ctx)
			defer stop()
			var wg sync.WaitGroup
			errs := make(chan error, 6)
			// A store that vanished (its file deleted or replaced) stops
			// the process: writes to it would reach no one.
			wg.Go(func() {
				if err := watchStore(ctx, svc.store, storeCheckEvery); err != nil {
					errs <- fmt.Errorf("serve: %w", err)
					stop()
				}
			})
			wg.Go(func() { errs <- srv.Serve(ctx, ln) })
			wg.Go(func() { errs <- sched.Run(ctx) })
			wg.Go(func() { errs <- joiner.Run(ctx) })
			wg.Go(func() { errs <- desk.Run(ctx) })
			if side.listener != nil {
				c.log.Info("inbound listener", "smtp", side.addr, "domain", svc.links.MailDomain, "starttls", side.listener.TLS != nil)
				wg.Go(func() {
					if err := side.listener.ListenAndServe(ctx, side.addr); err != nil {
						errs <- fmt.Errorf("serve: [inbound] listen: %w", err)
						stop()
					}
				})
			}
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
func (c *cli) scheduler(cfg *config.Config, spec *schedule.Spec, svc *services, job *publish.Job, m *server.Metrics, running *schedule.Running) *schedule.Scheduler {
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
			defer running.Start(w.String())()
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

// joiner makes this instance join every send another instance started
// (several instances on one PostgreSQL store).
func (c *cli) joiner(cfg *config.Config, svc *services, job *publish.Job, running *schedule.Running) *schedule.Joiner {
	return &schedule.Joiner{
		Sends:   svc.store.ActiveSends,
		Running: running,
		Every:   config.Duration(cfg.Schedule.JoinEvery),
		Join: func(ctx context.Context, id string) error {
			w, err := issue.ParseWeek(id)
			if err != nil {
				return fmt.Errorf("join %s: %w", id, err)
			}
			p, err := job.Prepare(ctx, w, false, false)
			if err != nil {
				return fmt.Errorf("join %s: %w", id, err)
			}
			sum, err := job.Send(ctx, p, w)
			c.log.Info("joined a send", "week", id, "summary", sum.String())
			return err
		},
		Report: func(id string, err error) {
			if err != nil {
				c.log.Error("join failed", "week", id, "err", err)
			}
		},
	}
}

// storeCheckEvery is how often serve checks that its store is still the
// one it opened.
const storeCheckEvery = 2 * time.Second

// watchStore returns the first failed health check of st, or nil when
// ctx ends.
func watchStore(ctx context.Context, st *store.Store, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := st.Healthy(ctx); err != nil && ctx.Err() == nil {
				return err
			}
		}
	}
}
