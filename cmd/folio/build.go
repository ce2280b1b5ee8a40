package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/foliopress/folio/internal/config"
	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/publish"
	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/pdf"
)

func (c *cli) buildCmd() *cobra.Command {
	var week, out string
	var skipInvalid, force bool
	cmd := &cobra.Command{
		Use:   "build [--week 2019-W41] [--out DIR]",
		Short: "Build the week's issue: issue.pdf, email.html, email.txt and the web version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			defer tuneShortRun()()
			cfg, w, err := c.configWeek(week)
			if err != nil {
				return err
			}
			if out != "" {
				cfg.Build.OutDir = out
			}
			// The typesetter loads its fonts and patterns on the other core
			// while the services start and the reviews are collected; the
			// builder prepares afresh if its options turn out different.
			ts := pdf.Prepare(cmd.Context(), pdf.Options{PageSize: strings.ToLower(cfg.Build.PageSize), Author: cfg.Magazine.Name})
			svc, err := c.services(cmd.Context(), cfg, false)
			if err != nil {
				ts.Close()
				return err
			}
			defer svc.Close()
			begun, err := c.sendBegun(cmd.Context(), cfg, w)
			if err != nil {
				ts.Close()
				return err
			}
			if begun.total > 0 && !force {
				ts.Close()
				return fmt.Errorf("build %s: the week's send has begun, and %d of its %d members already have the issue as it was built; rebuild anyway with --force (they keep the old version, the members not yet sent get the new one)", w, begun.sent, begun.total)
			}
			svc.builder.FolderOnly = true // build only writes the folder
			built, err := svc.builder.BuildWith(cmd.Context(), ts, w, skipInvalid)
			c.reportSkipped(built)
			if errors.Is(err, publish.ErrEmptyWeek) {
				c.stdout.printf("%s: no reviews in the week; nothing built\n", w)
				return nil
			}
			if err != nil {
				return err
			}
			c.stdout.printf("built %s: %d reviews in %d sections, %s (%d KB)\n",
				w, len(built.Issue.Reviews()), len(built.Issue.Sections), filepath.Join(built.Dir, issue.PDFFile), built.PDFSize/1024)
			if begun.total > 0 {
				c.stdout.printf("rebuilt with --force: %d members already have the old version; the %d not yet sent get this one\n",
					begun.sent, begun.total-begun.sent-begun.final)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&week, "week", "", "ISO week to build, e.g. 2019-W41 (default: the current week in the magazine's time zone)")
	cmd.Flags().StringVar(&out, "out", "", "folder to build into (default: [build] out_dir)")
	cmd.Flags().BoolVar(&skipInvalid, "skip-invalid", false, "leave broken reviews out (listed on stderr) instead of failing")
	cmd.Flags().BoolVar(&force, "force", false, "rebuild a week whose send has begun (members already sent keep the old version)")
	return cmd
}

// reportSkipped lists the reviews --skip-invalid left out, and the
// collection's warnings (a symlinked folder followed): nothing drops out
// of an issue without the editor being told.
func (c *cli) reportSkipped(b *publish.Built) {
	if b == nil {
		return
	}
	for _, err := range b.Skipped {
		c.stderr.printf("skipped broken review: %s\n", oneLine(err.Error()))
	}
	if b.Result != nil {
		for _, n := range b.Result.Notes {
			c.stderr.printf("note: %s\n", n)
		}
	}
	for _, w := range b.Warnings {
		c.stderr.printf("warning: %s\n", w)
	}
}

// begun is how far a week's send has gone, from its ledger.
type begun struct {
	total int // ledger rows: members the send is for
	sent  int // members who have the issue
	final int // members who never will (failed for good, skipped)
}

// sendBegun reads week's ledger. A database that does not exist yet has
// no sends, so build works on a fresh checkout without creating one.
func (c *cli) sendBegun(ctx context.Context, cfg *config.Config, w issue.Week) (begun, error) {
	if _, err := os.Stat(cfg.Store.Path); cfg.Store.URL == "" && errors.Is(err, fs.ErrNotExist) {
		return begun{}, nil
	}
	st, err := c.openStore(ctx, cfg, storeReadOnly)
	if err != nil {
		return begun{}, err
	}
	defer st.Close()
	counts, err := st.Counts(ctx, w.String())
	if err != nil {
		return begun{}, err
	}
	var b begun
	for _, n := range counts {
		b.total += n
	}
	b.sent = counts[delivery.StateSent]
	b.final = counts[delivery.StateFailedPerm] + counts[delivery.StateSkipped]
	return b, nil
}

// tuneShortRun sets the runtime for a build, a short process that
// allocates about 50 MB for the 40-page reference issue, and stops it
// sampling allocations for a memory profile nobody reads. At the default
// GOGC=100 it collected garbage often, from a heap of 4 MB on; at 400 the
// heap grew over fresh pages, and on a virtual machine a first touch of a
// page (a fault) costs more than the collection that would have reused
// one: a third of a rebuild's CPU time went to faults. GOGC=150 was the
// fastest of 100, 150, 200 and 400 (interleaved runs of bench/pdf.sh's
// issue: 13–18 ms of some 210 ms off against 400). A GOGC in the
// environment wins. The returned func restores both, for tests that run
// commands in one process.
func tuneShortRun() (restore func()) {
	gc, setGC := 0, false
	if _, ok := os.LookupEnv("GOGC"); !ok {
		gc, setGC = debug.SetGCPercent(150), true
	}
	rate := runtime.MemProfileRate
	runtime.MemProfileRate = 0
	return func() {
		if setGC {
			debug.SetGCPercent(gc)
		}
		runtime.MemProfileRate = rate
	}
}
