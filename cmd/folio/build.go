package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"folio.example/folio/issue"
	"folio.example/folio/publish"
)

func (c *cli) buildCmd() *cobra.Command {
	var week, out string
	var skipInvalid bool
	cmd := &cobra.Command{
		Use:   "build [--week 2019-W41] [--out DIR]",
		Short: "Build the week's issue: issue.pdf, email.html, email.txt and the web version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, w, err := c.configWeek(week)
			if err != nil {
				return err
			}
			if out != "" {
				cfg.Build.OutDir = out
			}
			svc, err := c.services(cmd.Context(), cfg, false)
			if err != nil {
				return err
			}
			defer svc.Close()
			built, err := svc.builder.Build(cmd.Context(), w, skipInvalid)
			c.reportSkipped(built)
			if errors.Is(err, publish.ErrEmptyWeek) {
				fmt.Fprintf(c.stdout, "%s: no reviews in the week; nothing built\n", w)
				return nil
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "built %s: %d reviews in %d sections, %s (%d KB)\n",
				w, len(built.Issue.Reviews()), len(built.Issue.Sections), filepath.Join(built.Dir, issue.PDFFile), len(built.PDF)/1024)
			return nil
		},
	}
	cmd.Flags().StringVar(&week, "week", "", "ISO week to build, e.g. 2019-W41 (default: the current week in the magazine's time zone)")
	cmd.Flags().StringVar(&out, "out", "", "folder to build into (default: [build] out_dir)")
	cmd.Flags().BoolVar(&skipInvalid, "skip-invalid", false, "leave broken reviews out (listed on stderr) instead of failing")
	return cmd
}

// reportSkipped lists the reviews --skip-invalid left out: nothing drops
// out of an issue without the editor being told.
func (c *cli) reportSkipped(b *publish.Built) {
	if b == nil {
		return
	}
	for _, err := range b.Skipped {
		fmt.Fprintf(c.stderr, "skipped broken review: %s\n", oneLine(err.Error()))
	}
}
