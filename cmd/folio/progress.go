package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"sync"

	"golang.org/x/term"

	"github.com/foliopress/folio/mailer"
)

// progress draws a one-line progress counter while a send runs, only when
// stdout is a terminal; logs carry member ids, never addresses.
type progress struct {
	w   io.Writer
	tty bool
	mu  sync.Mutex
	n   map[mailer.State]int
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, tty: ok && term.IsTerminal(int(f.Fd())), n: map[mailer.State]int{}}
}

// observe returns the sender's OnResult hook.
func (p *progress) observe(log *slog.Logger) func(mailer.Result) {
	return func(r mailer.Result) {
		level := slog.LevelInfo
		if r.State == mailer.StateSent {
			level = slog.LevelDebug // one line per failure, not per message
		}
		if ctx := context.Background(); log.Enabled(ctx, level) {
			log.Log(ctx, level, "delivery", "issue", r.IssueID, "member", r.MemberID,
				"state", string(r.State), "reply", redactAddresses(r.Reply), "ms", r.Duration.Milliseconds())
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		p.n[r.State]++
		if p.tty {
			fmt.Fprintf(p.w, "\r%s: %d sent, %d retrying, %d failed ", r.IssueID, p.n[mailer.StateSent], p.n[mailer.StateFailedTemp], p.n[mailer.StateFailedPerm])
		}
	}
}

func (p *progress) done() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}

// addressRE matches an email address, as relays quote them in replies
// ("550 5.1.1 <bob@example.org>: user unknown").
var addressRE = regexp.MustCompile(`[^\s<>"':;,()]+@[^\s<>"':;,()]+`)

// redactAddresses keeps addresses out of logs: they carry member ids only.
func redactAddresses(s string) string { return addressRE.ReplaceAllString(s, "[address]") }
