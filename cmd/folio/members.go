package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/foliopress/folio/internal/config"
	"github.com/foliopress/folio/store"

	"github.com/foliopress/folio/internal/member"

	"github.com/spf13/cobra"
)

func (c *cli) membersCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "members", Short: "Import, list, export and suppress members"}
	cmd.AddCommand(c.membersImportCmd(), c.membersListCmd(), c.membersExportCmd(),
		c.membersSuppressCmd(), c.membersUnsuppressCmd(), c.membersSuppressionsCmd(), c.membersHistoryCmd())
	return cmd
}

// formatNames are the formats as the import names them.
var formatNames = map[member.Format]string{
	member.FormatFolio:     "Folio member file",
	member.FormatGhost:     "Ghost member export",
	member.FormatSubstack:  "Substack subscriber export",
	member.FormatMailchimp: "Mailchimp audience export",
}

// importMemoryLimit is the Go heap's soft limit during an import.
const importMemoryLimit = 40 << 20

func (c *cli) membersImportCmd() *cobra.Command {
	var (
		skipInvalid, resubscribe bool
		consent, tier            string
	)
	cmd := &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Add or update members from Folio's CSV or a Ghost, Substack or Mailchimp export",
		Long: "Import reads a CSV with a header row and recognises its format from it: Folio's\n" +
			"own (email,name,tier,status[,deliver_pdf]), Ghost's member export, Substack's\n" +
			"subscriber export or Mailchimp's audience export. Other systems' statuses are\n" +
			"mapped to Folio's, and the mapping is printed. A file with any invalid row\n" +
			"imports nothing, and every invalid row is reported with its line number, unless\n" +
			"--skip-invalid. Members already known (by email, ignoring case) are updated.\n\n" +
			"A member who unsubscribed, bounced or complained is never made active again:\n" +
			"each such row is reported (\"kept unsubscribed, line N\"). When those members\n" +
			"opted in again, pass --resubscribe with --consent saying where and how; the\n" +
			"consent is recorded with the time and the row.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if resubscribe && strings.TrimSpace(consent) == "" {
				return errors.New("members import: --resubscribe needs --consent \"where and how they opted in again\"")
			}
			cfg, err := c.config()
			if err != nil {
				return err
			}
			file := args[0]
			if os.Getenv("GOMEMLIMIT") == "" {
				// A million members pass through in batches: a soft
				// limit keeps the collector from letting garbage pile up
				// to twice the live heap (issue 13: at most 100 MB).
				defer debug.SetMemoryLimit(debug.SetMemoryLimit(importMemoryLimit))
			}
			open := func() (io.ReadCloser, error) { return os.Open(file) }
			f, err := open()
			if err != nil {
				return fmt.Errorf("members import: %w", err)
			}
			defer f.Close()
			// A failed import leaves no database behind when it made one.
			_, statErr := os.Stat(cfg.Store.Path)
			fresh := cfg.Store.URL == "" && errors.Is(statErr, fs.ErrNotExist)
			st, err := c.openStore(cmd.Context(), cfg, storeCreate)
			if err != nil {
				return err
			}
			imported := false
			defer func() {
				_ = st.Close()
				if fresh && !imported {
					for _, suffix := range []string{"", "-wal", "-shm"} {
						_ = os.Remove(cfg.Store.Path + suffix)
					}
				}
			}()
			// One pass: rows are staged as they are read; the import goes
			// ahead only if the file turns out clean (or --skip-invalid).
			sc := member.NewScan(file, member.ReadOptions{DefaultTier: tier})
			errInvalid := errors.New("invalid rows")
			rep, err := st.ImportMembers(cmd.Context(), prefetch(cmd.Context(), sc.Rows(f)), member.ImportOptions{
				File: filepath.Base(file), Resubscribe: resubscribe, Consent: consent,
				Before: func() ([]int, error) {
					if err := sc.Finish(open); err != nil {
						return nil, err
					}
					if len(sc.Errors) > 0 && (!skipInvalid || sc.Format == "") {
						return nil, errInvalid
					}
					return sc.Repeats(), nil
				},
			})
			if errors.Is(err, errInvalid) {
				errs := make([]error, len(sc.Errors))
				for i, re := range sc.Errors {
					errs[i] = re
				}
				return fmt.Errorf("members import: %d invalid rows, nothing imported: %w", len(sc.Errors), errors.Join(errs...))
			}
			if err != nil {
				return fmt.Errorf("members import: %w", err)
			}
			imported = true
			for _, e := range sc.Errors {
				c.stderr.printf("skipped invalid row: %v\n", e)
			}
			c.stdout.printf("%s: %s, %d rows\n", file, formatNames[sc.Format], sc.Summary.Rows)
			for _, m := range sc.Mapping {
				c.stdout.printf("status mapping: %s → %s (%s)\n", m.From, m.To, plural(m.Rows, "row", "rows"))
			}
			for _, k := range rep.Kept {
				c.stdout.println(k.String())
			}
			c.stdout.printf("imported %s: %d added, %d updated, %d unchanged, %d kept out, %d resubscribed, %d skipped\n",
				file, rep.Added, rep.Updated, rep.Unchanged, len(rep.Kept), rep.Resubscribed, len(sc.Errors))
			if len(rep.Kept) > 0 && !resubscribe {
				c.stdout.println("members who left stay out; if they opted in again, import them with --resubscribe --consent \"…\"")
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&skipInvalid, "skip-invalid", false, "import the valid rows and list the invalid ones")
	cmd.Flags().BoolVar(&resubscribe, "resubscribe", false, "members in the file who had left opted in again (needs --consent)")
	cmd.Flags().StringVar(&consent, "consent", "", "where and how the resubscribed members opted in again (recorded)")
	cmd.Flags().StringVar(&tier, "tier", "", "tier for rows that carry none (Mailchimp exports have no tiers)")
	return cmd
}

func (c *cli) membersListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List members",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withStore(cmd, storeReadOnly, func(cfg *config.Config, st *store.Store) error {
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
					status := string(m.Status)
					if !m.PausedUntil.IsZero() {
						status += " until " + m.PausedUntil.Format("2006-01-02")
					}
					tw.row("%d\t%s\t%s\t%s\t%s\t%s\n", m.ID, m.Email, m.Name, m.Tier, status, pdf)
				}
				if err := tw.flush(); err != nil {
					return err
				}
				c.stdout.printf("%d members\n", len(members))
				return nil
			})
		},
	}
}

func (c *cli) membersExportCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export [--out FILE]",
		Short: "Write every member and every suppression as CSV (Folio's import format)",
		Long: "Export writes every member with their status, PDF preference and suppression,\n" +
			"then every suppressed address that belongs to no member, as CSV in Folio's own\n" +
			"import format: `folio members import` reads it back as it was.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withStore(cmd, storeReadOnly, func(cfg *config.Config, st *store.Store) error {
				var w io.Writer = c.stdout
				var f *os.File
				if out != "" && out != "-" {
					var err error
					if f, err = os.CreateTemp(filepath.Dir(out), ".export-*.csv"); err != nil {
						return fmt.Errorf("members export: %w", err)
					}
					defer func() { _ = os.Remove(f.Name()) }() // gone already once renamed
					defer f.Close()
					w = f
				}
				n, err := member.WriteExport(w, st.Export(cmd.Context()))
				if err != nil {
					return fmt.Errorf("members export: %w", err)
				}
				if f != nil {
					if err := f.Close(); err != nil {
						return fmt.Errorf("members export: %w", err)
					}
					if err := os.Rename(f.Name(), out); err != nil {
						return fmt.Errorf("members export: %w", err)
					}
					c.stderr.printf("exported %d rows to %s\n", n, out)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write to FILE (atomically) instead of standard output")
	return cmd
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// prefetch reads rows on a goroutine of its own, batches ahead of the
// consumer, so that parsing the file and writing the store use both
// cores. The consumer stopping early stops the reader.
func prefetch(ctx context.Context, rows iter.Seq2[member.ImportRow, error]) iter.Seq2[member.ImportRow, error] {
	type batch struct {
		rows []member.ImportRow
		err  error
	}
	return func(yield func(member.ImportRow, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		ch := make(chan batch, 4)
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer close(ch)
			send := func(b batch) bool {
				select {
				case ch <- b:
					return true
				case <-ctx.Done():
					return false
				}
			}
			buf := make([]member.ImportRow, 0, 1024)
			for row, err := range rows {
				if err != nil {
					send(batch{rows: buf, err: err})
					return
				}
				if buf = append(buf, row); len(buf) == cap(buf) {
					if !send(batch{rows: buf}) {
						return
					}
					buf = make([]member.ImportRow, 0, 1024)
				}
			}
			send(batch{rows: buf})
		}()
		defer func() {
			cancel()
			for range ch { // let the reader finish
			}
			<-done
		}()
		for b := range ch {
			for _, row := range b.rows {
				if !yield(row, nil) {
					return
				}
			}
			if b.err != nil {
				yield(member.ImportRow{}, b.err)
				return
			}
		}
	}
}
