package main

import (
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/foliopress/folio/internal/config"
	"github.com/foliopress/folio/issue"
)

// cli is what every command shares: where it writes, the environment it
// was started with, and the --config flag.
type cli struct {
	stdout, stderr *output
	environ        []string
	configPath     string
	now            func() time.Time
	log            *slog.Logger
	// boundMemory, when set, bounds this process's memory before a command
	// that may build runs ([build] memory_limit_mb). main sets it; tests
	// running commands in their own process leave it nil.
	boundMemory func(mb int) error
	// exe is the folio binary serve starts its builds with.
	exe string
}

func newCLI(stdout, stderr io.Writer, environ []string) *cli {
	return &cli{stdout: &output{w: stdout}, stderr: &output{w: stderr}, environ: environ, now: time.Now,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
}

func (c *cli) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "folio",
		Short: "Build a magazine's weekly issue and deliver it to members",
		Long: "Folio collects the week's reviews, typesets a PDF issue, renders a personal\n" +
			"email for every member and delivers both over SMTP or to an outbox folder.",
		SilenceErrors: true,
		SilenceUsage:  true,
		// A report that could not be written is a failure, not a success.
		PersistentPostRunE: func(*cobra.Command, []string) error {
			if c.stdout.err != nil {
				return fmt.Errorf("writing output: %w", c.stdout.err)
			}
			return nil
		},
	}
	root.SetOut(c.stdout)
	root.SetErr(c.stderr)
	root.PersistentFlags().StringVar(&c.configPath, "config", "folio.toml", "config file (relative paths in it resolve against its folder)")
	root.AddCommand(c.buildCmd(), c.membersCmd(), c.sendCmd(), c.runCmd(), c.serveCmd(), c.statusCmd(), c.previewCmd(), c.initCmd(), c.pruneCmd(), c.dkimCmd(),
		c.inboundCmd(), c.editorsCmd())
	return root
}

func (c *cli) config() (*config.Config, error) {
	return config.Load(c.configPath, c.environ)
}

// buildingConfig is config for a command that may build an issue: the
// process is bounded to [build] memory_limit_mb first.
func (c *cli) buildingConfig() (*config.Config, error) {
	cfg, err := c.config()
	if err != nil {
		return nil, err
	}
	if c.boundMemory != nil {
		if err := c.boundMemory(cfg.Build.MemoryLimitMB); err != nil {
			return nil, fmt.Errorf("[build] memory_limit_mb: %w", err)
		}
	}
	return cfg, nil
}

// configWeek loads the config and resolves --week against it.
func (c *cli) configWeek(flag string) (*config.Config, issue.Week, error) {
	cfg, err := c.buildingConfig()
	if err != nil {
		return nil, issue.Week{}, err
	}
	w, err := c.week(cfg, flag)
	if err != nil {
		return nil, issue.Week{}, err
	}
	return cfg, w, nil
}

// week parses --week, or picks the current ISO week in the magazine's time
// zone when it is empty.
func (c *cli) week(cfg *config.Config, flag string) (issue.Week, error) {
	if flag == "" {
		return issue.WeekOf(c.now().In(cfg.Location)), nil
	}
	w, err := issue.ParseWeek(flag)
	if err != nil {
		return issue.Week{}, fmt.Errorf("--week: %w", err)
	}
	return w, nil
}
