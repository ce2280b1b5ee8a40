package main

import (
	"github.com/spf13/cobra"

	"github.com/foliopress/folio/internal/config"
	"github.com/foliopress/folio/store"
)

func (c *cli) initCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "Create the database (SQLite at [store] path) or bring its schema up to date",
		Long: "Init creates the SQLite database at [store] path, or migrates the PostgreSQL\n" +
			"database at [store] url, and exits. Besides `members import`, it is the only\n" +
			"command that creates a database: every other one refuses a missing file.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withStore(cmd, storeCreate, func(cfg *config.Config, st *store.Store) error {
				where := cfg.Store.Path
				if cfg.Store.URL != "" {
					where = "the PostgreSQL database"
				}
				c.stdout.printf("%s store ready: %s\n", st.Engine(), where)
				return nil
			})
		},
	}
}
