package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"time"

	"github.com/foliopress/folio/internal/delivery"

	"github.com/spf13/cobra"

	"github.com/foliopress/folio/internal/publish"
)

func (c *cli) sendCmd() *cobra.Command {
	var week, to, dryRunDir string
	var dryRun, skipInvalid bool
	cmd := &cobra.Command{
		Use:   "send [--week W] [--to ADDR] [--dry-run]",
		Short: "Deliver the week's issue to every active member (building it if missing)",
		Long: "Send delivers the week's built issue (building it first if it has not been\n" +
			"built) to every eligible member through the delivery ledger: a member already\n" +
			"sent is never sent again, and an interrupted send resumes where it stopped.\n" +
			"--to sends one test copy and --dry-run writes .eml files; neither touches the ledger.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cfg, w, err := c.configWeek(week)
			if err != nil {
				return err
			}
			svc, err := c.services(ctx, cfg, true)
			if err != nil {
				return err
			}
			defer svc.Close()
			prog := newProgress(c.stdout)
			job, err := c.job(svc, prog.observe(c.log))
			if err != nil {
				return err
			}
			p, err := job.Prepare(ctx, w, skipInvalid, false)
			if p != nil {
				c.reportSkipped(p.Built)
			}
			if errors.Is(err, publish.ErrEmptyWeek) {
				return fmt.Errorf("send %s: no reviews in the week, so there is no issue to send", w)
			}
			if err != nil {
				return err
			}
			if p.Rebuilt {
				c.stdout.printf("built %s into %s\n", w, p.Built.Dir)
			}
			switch {
			case to != "":
				reply, err := p.Sender.SendTest(ctx, w.String(), to)
				if err != nil {
					return err
				}
				c.stdout.printf("test copy of %s sent to %s (%s)\n", w, to, reply)
				return nil
			case dryRun:
				dir := dryRunDir
				if dir == "" {
					dir = filepath.Join(p.Built.Dir, "dry-run")
				}
				n, err := p.Sender.DryRun(ctx, w.String(), dir)
				if err != nil {
					return err
				}
				c.stdout.printf("dry run of %s: %d messages written to %s (ledger untouched)\n", w, n, dir)
				return nil
			}
			if held, by, err := svc.store.Held(ctx, w.String()); err != nil {
				return err
			} else if held {
				return fmt.Errorf("send %s: %w by %s in the console; resume it there", w, publish.ErrHeld, by)
			}
			sum, err := sendAll(ctx, p.Sender, w.String())
			prog.done()
			c.stdout.println(summaryLine(ctx, job.Store, sum))
			if err == nil && ctx.Err() != nil {
				// SIGINT/SIGTERM: messages in flight finished, the rest is
				// pending; stopping on request is not a failure.
				return nil
			}
			if err == nil && sum.Remaining() > 0 {
				err = fmt.Errorf("send %s: %d deliveries still pending or retrying; send again to resume", w, sum.Remaining())
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&week, "week", "", "ISO week to send, e.g. 2019-W41 (default: the current week)")
	f.StringVar(&to, "to", "", "send one test copy to this address instead (no ledger)")
	f.BoolVar(&dryRun, "dry-run", false, "write every member's message as .eml instead of sending (no ledger)")
	f.StringVar(&dryRunDir, "dry-run-dir", "", "folder for --dry-run (default: the issue folder's dry-run/)")
	f.BoolVar(&skipInvalid, "skip-invalid", false, "when building, leave broken reviews out instead of failing")
	cmd.MarkFlagsMutuallyExclusive("to", "dry-run")
	return cmd
}

// summaryLine is the closing summary of a send for the operator. A send
// that failed early (the ledger could not be extended, say) has no ledger
// counts of its own: they are read afresh, so the summary never reports
// an empty ledger for one that holds a week's deliveries.
func summaryLine(ctx context.Context, l publish.Ledger, s delivery.Summary) string {
	if s.Counts == nil && l != nil {
		counts, err := l.Counts(context.WithoutCancel(ctx), s.IssueID)
		if err != nil {
			return "sent " + s.IssueID + fmt.Sprintf(": %d sent, %d retrying, %d failed in this run (the ledger could not be read: %v)", s.Sent, s.Retrying, s.Failed, err)
		}
		s.Counts = counts
	}
	return "sent " + s.String()
}

// sendAll sends issueID and, while other instances (several `folio
// serve` on one store) have the rest in hand, waits for them and resumes,
// so that the send's outcome is the whole run's. The rest is in their
// hands when the only rows left are being sent, or are pending while the
// ledger still moves: a pending row another instance is claiming is
// locked until its claim commits, so this instance skips it and can find
// none to claim. Rows of a dead instance come back at once; failed_temp
// rows, a pause or a ledger that stopped moving end the wait.
func sendAll(ctx context.Context, s *delivery.Sender, issueID string) (delivery.Summary, error) {
	sum, err := s.Send(ctx, issueID)
	var before map[delivery.State]int // the ledger after the previous pass
	for err == nil && ctx.Err() == nil && othersHaveTheRest(sum, before) {
		t := time.NewTimer(250 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return sum, nil
		case <-t.C:
		}
		before = sum.Counts
		var next delivery.Summary
		next, err = s.Send(ctx, issueID)
		next.Added += sum.Added
		next.Sent += sum.Sent
		next.Retrying += sum.Retrying
		next.Failed += sum.Failed
		sum = next
	}
	return sum, err
}

// othersHaveTheRest reports whether a send that ended with sum should
// wait for other instances: rows remain, none is waiting for a retry, the
// run did not pause or stop early, and either every one left is being sent or the
// ledger moved since the pass before (before; nil after the first pass).
func othersHaveTheRest(sum delivery.Summary, before map[delivery.State]int) bool {
	left := sum.Remaining()
	if left == 0 || sum.Paused || sum.Reason != "" || sum.Counts[delivery.StateFailedTemp] > 0 {
		return false
	}
	return left == sum.Counts[delivery.StateSending] || before == nil || !maps.Equal(before, sum.Counts)
}
