package main

import (
	"context"
	"log/slog"
	"os"
	"regexp"
	"sync"

	"github.com/foliopress/folio/internal/delivery"

	"golang.org/x/term"
)

// progress draws a one-line progress counter while a send runs, only when
// stdout is a terminal; logs carry member ids, never addresses.
type progress struct {
	w   *output
	tty bool
	mu  sync.Mutex
	n   map[delivery.State]int
}

func newProgress(w *output) *progress {
	f, ok := w.w.(*os.File)
	return &progress{w: w, tty: ok && term.IsTerminal(int(f.Fd())), n: map[delivery.State]int{}}
}

// observe returns the sender's OnResult hook.
func (p *progress) observe(log *slog.Logger) func(delivery.Result) {
	return func(r delivery.Result) {
		level := slog.LevelInfo
		if r.State == delivery.StateSent {
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
			p.w.printf("\r%s: %d sent, %d retrying, %d failed ", r.IssueID, p.n[delivery.StateSent], p.n[delivery.StateFailedTemp], p.n[delivery.StateFailedPerm])
		}
	}
}

func (p *progress) done() {
	if p.tty {
		p.w.println()
	}
}

// addressRE matches an email address, as relays quote them in replies
// ("550 5.1.1 <bob@example.org>: user unknown").
var addressRE = regexp.MustCompile(`[^\s<>"':;,()]+@[^\s<>"':;,()]+`)

// redactAddresses keeps addresses out of logs: they carry member ids only.
func redactAddresses(s string) string { return addressRE.ReplaceAllString(s, "[address]") }
