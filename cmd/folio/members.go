package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/foliopress/folio/internal/member"

	"github.com/spf13/cobra"
)

func (c *cli) membersCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "members", Short: "Import and list members"}
	cmd.AddCommand(c.membersImportCmd(), c.membersListCmd())
	return cmd
}

func (c *cli) membersImportCmd() *cobra.Command {
	var skipInvalid bool
	cmd := &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Add or update members from a CSV file (columns email,name,tier,status[,deliver_pdf])",
		Long: "Import reads a CSV with a header row. A file with any invalid row imports\n" +
			"nothing, and every invalid row is reported with its line number, unless\n" +
			"--skip-invalid. Members already known (by email, ignoring case) are updated.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := c.config()
			if err != nil {
				return err
			}
			f, err := os.Open(args[0])
			if err != nil {
				return fmt.Errorf("members import: %w", err)
			}
			defer f.Close()
			members, rowErrs, err := member.ParseMembersCSV(f, args[0])
			if err != nil {
				return fmt.Errorf("members import: %w", err)
			}
			if len(rowErrs) > 0 {
				errs := make([]error, len(rowErrs))
				for i, re := range rowErrs {
					errs[i] = re
				}
				if !skipInvalid {
					return fmt.Errorf("members import: %d invalid rows, nothing imported: %w", len(rowErrs), errors.Join(errs...))
				}
				for _, e := range errs {
					c.stderr.printf("skipped invalid row: %v\n", e)
				}
			}
			st, err := c.openStore(cmd.Context(), cfg, storeCreate)
			if err != nil {
				return err
			}
			defer st.Close()
			added, updated, err := st.UpsertMembers(cmd.Context(), members)
			if err != nil {
				return err
			}
			c.stdout.printf("imported %s: %d added, %d updated, %d skipped\n", args[0], added, updated, len(rowErrs))
			return nil
		},
	}
	cmd.Flags().BoolVar(&skipInvalid, "skip-invalid", false, "import the valid rows and list the invalid ones")
	return cmd
}

func (c *cli) membersListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List members",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := c.config()
			if err != nil {
				return err
			}
			st, err := c.openStore(cmd.Context(), cfg, storeReadOnly)
			if err != nil {
				return err
			}
			defer st.Close()
			members, err := st.ListMembers(cmd.Context())
			if err != nil {
				return err
			}
			tw := newTable(c.stdout)
			tw.row("ID\tEMAIL\tNAME\tTIER\tSTATUS\tPDF\n")
			for _, m := range members {
				pdf := m.DeliverPDF
				if pdf == "" {
					pdf = "default"
				}
				tw.row("%d\t%s\t%s\t%s\t%s\t%s\n", m.ID, m.Email, m.Name, m.Tier, m.Status, pdf)
			}
			if err := tw.flush(); err != nil {
				return err
			}
			c.stdout.printf("%d members\n", len(members))
			return nil
		},
	}
}
