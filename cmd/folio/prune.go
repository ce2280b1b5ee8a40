package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/foliopress/folio/internal/config"
	"github.com/foliopress/folio/store"
)

func (c *cli) pruneCmd() *cobra.Command {
	var olderThan string
	cmd := &cobra.Command{
		Use:   "prune --older-than 400d",
		Short: "Remove the per-member ledger rows of sends that ended long ago; members' archives keep working",
		Long: "Prune deletes the delivery ledger rows of every issue whose send is over (nothing\n" +
			"pending or retrying) and whose rows last changed before --older-than. A compact\n" +
			"record of which issues each member was sent stays, so archives keep working.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			age, err := parseAge(olderThan)
			if err != nil {
				return fmt.Errorf("--older-than: %w", err)
			}
			return c.withStore(cmd, storeExisting, func(_ *config.Config, st *store.Store) error {
				cutoff := c.now().Add(-age)
				p, err := st.Prune(cmd.Context(), cutoff)
				if err != nil {
					return err
				}
				c.stdout.printf("pruned %d ledger rows of %d issues last sent before %s (%s); %d archive records kept\n",
					p.Rows, len(p.Issues), cutoff.Format("2006-01-02"), strings.Join(p.Issues, ", "), p.Kept)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&olderThan, "older-than", "", "age of the sends to prune: days (400d) or a Go duration (9600h)")
	_ = cmd.MarkFlagRequired("older-than")
	return cmd
}

// parseAge reads "400d" as days, or a Go duration; it must be positive.
func parseAge(s string) (time.Duration, error) {
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil {
			return 0, fmt.Errorf("%q: want days such as 400d, or a duration such as 9600h", s)
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q: want days such as 400d, or a duration such as 9600h", s)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q: want a positive age", s)
	}
	return d, nil
}
