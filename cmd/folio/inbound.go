package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/foliopress/folio/internal/config"
	"github.com/foliopress/folio/internal/inbound"
	"github.com/foliopress/folio/internal/links"
	"github.com/foliopress/folio/store"
)

// exTempFail is sysexits' EX_TEMPFAIL: a Postfix pipe transport defers
// the message and offers it again later.
const exTempFail = 75

// tempError is a failure worth retrying (the store was unreachable).
type tempError struct{ err error }

func (e tempError) Error() string { return e.err.Error() }
func (e tempError) Unwrap() error { return e.err }
func (e tempError) ExitCode() int { return exTempFail }

func (c *cli) inboundCmd() *cobra.Command {
	var (
		sender, recipient string
		listKept          bool
		keptOut           string
	)
	cmd := &cobra.Command{
		Use:   "inbound [FILE...|-]",
		Short: "Act on bounces, complaints and mailed unsubscribes: message files, an mbox, or standard input",
		Long: "Inbound reads raw messages — one per file, an mbox of many, or one on standard\n" +
			"input (\"-\", for a Postfix pipe transport) — and acts on each exactly once: a\n" +
			"hard bounce makes the member bounced and suppressed, soft bounces are counted\n" +
			"([bounces] soft_limit issues in a row make the member bounced), a complaint or\n" +
			"mail to a member's unsubscribe address unsubscribes. Anything else is kept aside\n" +
			"and reported; --list-kept shows what was kept (--kept-out DIR writes it out).\n" +
			"Feeding a message twice changes nothing the second time. A store that cannot\n" +
			"be reached exits 75 (EX_TEMPFAIL), so Postfix tries again later.",
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := c.config()
			if err != nil {
				return err
			}
			st, err := c.openStore(cmd.Context(), cfg, storeExisting)
			if err != nil {
				return tempError{err}
			}
			defer st.Close()
			if listKept {
				return c.listKept(cmd, st, keptOut)
			}
			l, err := c.links(cfg)
			if err != nil {
				return err
			}
			p := c.processor(cfg, st, l)
			if len(args) == 0 {
				args = []string{"-"}
			}
			env := inbound.Envelope{From: sender}
			if recipient != "" {
				env.To = []string{recipient}
			}
			tally := map[string]int{}
			max := cfg.Inbound.MaxKB << 10
			for _, name := range args {
				if err := c.inboundFile(cmd, st, p, name, env, max, tally); err != nil {
					return err
				}
			}
			total := 0
			for _, n := range tally {
				total += n
			}
			c.stdout.printf("%s: %d acted on, %d ignored, %d kept aside, %d already processed\n",
				plural(total, "message", "messages"), tally[inbound.OutcomeActed], tally[inbound.OutcomeIgnored],
				tally[inbound.OutcomeKept], tally[inbound.OutcomeDuplicate])
			return nil
		},
	}
	cmd.Flags().StringVar(&sender, "sender", "", "the envelope sender (a pipe transport's ${sender})")
	cmd.Flags().StringVar(&recipient, "recipient", "", "the envelope recipient (a pipe transport's ${recipient})")
	cmd.Flags().BoolVar(&listKept, "list-kept", false, "list the messages kept aside instead of reading any")
	cmd.Flags().StringVar(&keptOut, "kept-out", "", "with --list-kept, also write each kept message to DIR as .eml")
	return cmd
}

// processor wires inbound processing to the store and the lifecycle.
func (c *cli) processor(cfg *config.Config, st *store.Store, l *links.Links) *inbound.Processor {
	return &inbound.Processor{Links: l, Lifecycle: c.lifecycle(cfg, st), Store: st, KeepMax: cfg.Bounces.KeepMaxKB << 10, Now: c.now}
}

// inboundBatch is how many messages of an mbox share one commit.
const inboundBatch = 500

// inboundFile processes every message of one file (or standard input),
// in batches that commit together.
func (c *cli) inboundFile(cmd *cobra.Command, st *store.Store, p *inbound.Processor, name string, env inbound.Envelope, max int, tally map[string]int) error {
	var r io.Reader = os.Stdin
	source := "stdin"
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("inbound: %w", err)
		}
		defer f.Close()
		r, source = f, "file "+filepath.Base(name)
	}
	n := 0
	begin := func(ctx context.Context) (inbound.BatchStore, error) { return st.BeginBatch(ctx) }
	err := p.Stream(cmd.Context(), r, env, source, max, inboundBatch, begin, func(results []inbound.Result) {
		for _, res := range results {
			n++
			label := name
			if n > 1 || name == "-" {
				label = fmt.Sprintf("%s#%d", name, n)
			}
			tally[res.Outcome]++
			who := ""
			if res.MemberID != 0 {
				who = fmt.Sprintf(" member %d", res.MemberID)
			}
			c.stdout.printf("%s: %s %s%s: %s\n", label, res.Kind, res.Outcome, who, res.Note)
		}
	})
	if err != nil {
		return tempError{fmt.Errorf("inbound: %s (after %d messages): %w", name, n, err)}
	}
	return nil
}

// listKept prints the kept messages and writes them out when asked.
func (c *cli) listKept(cmd *cobra.Command, st *store.Store, dir string) error {
	kept, err := st.KeptMessages(cmd.Context(), 1000, dir != "")
	if err != nil {
		return err
	}
	tw := newTable(c.stdout)
	tw.row("ID\tWHEN\tKIND\tSIZE\tSOURCE\tWHY\n")
	for _, k := range kept {
		tw.row("%d\t%s\t%s\t%d\t%s\t%s\n", k.ID, k.At.Format(time.RFC3339), k.Kind, k.Size, k.Source, oneLine(k.Reason))
		if dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("kept-%d.eml", k.ID)), k.Raw, 0o644); err != nil {
				return err
			}
		}
	}
	if err := tw.flush(); err != nil {
		return err
	}
	c.stdout.printf("%s kept aside\n", plural(len(kept), "message", "messages"))
	if dir != "" && len(kept) > 0 {
		c.stdout.printf("written to %s\n", strings.TrimRight(dir, "/")+"/kept-ID.eml")
	}
	return nil
}
