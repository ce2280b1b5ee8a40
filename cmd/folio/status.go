package main

import (
	"github.com/foliopress/folio/internal/delivery"

	"github.com/spf13/cobra"
)

func (c *cli) statusCmd() *cobra.Command {
	var week string
	cmd := &cobra.Command{
		Use:   "status [--week W]",
		Short: "Print the week's delivery ledger: counts per state and each failed member with the server's reply",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cfg, w, err := c.configWeek(week)
			if err != nil {
				return err
			}
			st, err := c.openStore(ctx, cfg, storeReadOnly)
			if err != nil {
				return err
			}
			defer st.Close()
			counts, err := st.Counts(ctx, w.String())
			if err != nil {
				return err
			}
			fails, err := st.Failures(ctx, w.String())
			if err != nil {
				return err
			}
			c.stdout.printf("%s ledger:\n", w)
			tw := newTable(c.stdout)
			total := 0
			for _, s := range delivery.States() {
				tw.row("  %s\t%d\n", s, counts[s])
				total += counts[s]
			}
			tw.row("  total\t%d\n", total)
			if err := tw.flush(); err != nil {
				return err
			}
			if len(fails) > 0 {
				c.stdout.println("failed:")
				tw = newTable(c.stdout)
				for _, f := range fails {
					next := ""
					if f.State == delivery.StateFailedTemp {
						next = "next attempt " + f.NextAttempt.In(cfg.Location).Format("Mon Jan 2 15:04")
					}
					tw.row("  %d\t%s\t%s\t%s\t%s\n", f.MemberID, f.Email, f.State, f.Reply, next)
				}
				return tw.flush()
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&week, "week", "", "ISO week, e.g. 2019-W41 (default: the current week)")
	return cmd
}
