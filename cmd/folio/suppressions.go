package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/foliopress/folio/internal/config"
	"github.com/foliopress/folio/store"

	"github.com/foliopress/folio/internal/member"

	"github.com/spf13/cobra"
)

func (c *cli) membersSuppressCmd() *cobra.Command {
	var note string
	cmd := &cobra.Command{
		Use:   "suppress EMAIL",
		Short: "Never mail an address again (recorded in the member's history)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withStore(cmd, storeExisting, func(cfg *config.Config, st *store.Store) error {
				out, err := c.lifecycle(cfg, st).Suppress(cmd.Context(), args[0], note, member.Change{Why: note, Source: "cli"})
				if err != nil {
					return fmt.Errorf("members suppress: %w", err)
				}
				c.stdout.printf("%s: %s\n", args[0], out.Note)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&note, "note", "", "why (recorded)")
	return cmd
}

func (c *cli) membersUnsuppressCmd() *cobra.Command {
	var note, consent string
	cmd := &cobra.Command{
		Use:   "unsuppress EMAIL",
		Short: "Lift an address's suppression (recorded in the member's history)",
		Long: "Unsuppress removes an address from the suppression list and makes its member\n" +
			"active again if they were bounced — for example after a relay's refusal was\n" +
			"wrongly taken for the recipient's. An unsubscribe or a complaint is lifted only\n" +
			"with --consent saying where and how the member opted in again.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withStore(cmd, storeExisting, func(cfg *config.Config, st *store.Store) error {
				why := note
				if why == "" {
					why = "lifted by the operator"
				}
				out, err := c.lifecycle(cfg, st).Unsuppress(cmd.Context(), args[0], consent, member.Change{Why: why, Source: "cli"})
				if errors.Is(err, member.ErrMemberOnly) {
					return fmt.Errorf("members unsuppress: %w; pass --consent \"…\" if they opted in again", err)
				}
				if err != nil {
					return fmt.Errorf("members unsuppress: %w", err)
				}
				c.stdout.printf("%s: %s\n", args[0], out.Note)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&note, "note", "", "why (recorded)")
	cmd.Flags().StringVar(&consent, "consent", "", "where and how the member opted in again (needed to lift an unsubscribe or a complaint)")
	return cmd
}

func (c *cli) membersSuppressionsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "suppressions",
		Short: "List the suppressed addresses with their reasons",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withStore(cmd, storeReadOnly, func(cfg *config.Config, st *store.Store) error {
				tw := newTable(c.stdout)
				tw.row("EMAIL\tREASON\tSINCE\tSOURCE\tDETAIL\n")
				n := 0
				for s, err := range st.Suppressions(cmd.Context()) {
					if err != nil {
						return err
					}
					tw.row("%s\t%s\t%s\t%s\t%s\n", s.Email, s.Reason, s.At.Format(time.RFC3339), s.Source, oneLine(s.Detail))
					n++
				}
				if err := tw.flush(); err != nil {
					return err
				}
				c.stdout.printf("%d suppressed\n", n)
				return nil
			})
		},
	}
}

func (c *cli) membersHistoryCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "history EMAIL",
		Short: "Show a member's history: every status change, suppression and consent",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withStore(cmd, storeReadOnly, func(cfg *config.Config, st *store.Store) error {
				m, err := st.MemberByEmail(cmd.Context(), args[0])
				if err != nil {
					return fmt.Errorf("members history: %w", err)
				}
				evs, err := st.History(cmd.Context(), m.ID)
				if err != nil {
					return err
				}
				c.stdout.printf("%s (member %d): %s\n", m.Email, m.ID, m.Status)
				tw := newTable(c.stdout)
				tw.row("WHEN\tWHAT\tCHANGE\tWHY\tFROM\n")
				for _, e := range evs {
					change := e.To
					if e.From != "" {
						change = e.From + " → " + e.To
					}
					tw.row("%s\t%s\t%s\t%s\t%s\n", e.At.Format(time.RFC3339), e.What, change, oneLine(e.Why), e.Source)
				}
				return tw.flush()
			})
		},
	}
}
