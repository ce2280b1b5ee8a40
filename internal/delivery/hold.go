package delivery

import (
	"fmt"
	"sync"
	"time"
)

// A relay's refusal is not the member's fault. A permanent refusal, or a
// connection that fails before the relay takes the message, may be about
// one member — or about the relay, which then says the same to everyone:
// "550 relay not permitted" from a misconfigured relay, "552 message too
// big", a relay that hangs. So such an outcome is held for a while
// (holding) instead of being recorded at once. When PauseAfter members
// got the same reply, and more of them than the relay accepted meanwhile,
// the reply is the relay's: the run pauses (a refusal) or stops (a dead
// connection), and everyone held for that reply goes back to pending. An
// outcome that stays alone is recorded as it is, with its suppression,
// once it has been held for holdFor or the run ends.

// Kinds of held outcomes.
const (
	holdRefusal    = "refusal"    // a permanent refusal
	holdConnection = "connection" // a dead connection or a reply that never came
)

// holding is one run's held outcomes, grouped by reply.
type holding struct {
	after   int           // PauseAfter: members with one reply that make it the relay's
	holdFor time.Duration // how long an outcome waits to be recorded

	mu     sync.Mutex
	groups map[string]*heldGroup
	n      int // outcomes held, for a cheap look from submit
}

// heldGroup is the outcomes held for one reply.
type heldGroup struct {
	kind  string
	reply string // as the operator reads it, from the first
	// accepted is the run's accepted count when the first was held: the
	// relay took accepted-now minus this many messages meanwhile.
	accepted int64
	outs     []heldOutcome
	tripped  bool
}

// heldOutcome is an outcome waiting to be recorded.
type heldOutcome struct {
	o   Outcome
	res Result
	at  time.Time
}

// hold keeps an outcome under key. It reports whether this outcome makes
// the reply the relay's; then the caller stops the run, once.
func (h *holding) hold(kind, key string, o Outcome, res Result, now time.Time, accepted int64) (trip bool, reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.groups == nil {
		h.groups = map[string]*heldGroup{}
	}
	g := h.groups[kind+"\x00"+key]
	if g == nil {
		g = &heldGroup{kind: kind, reply: o.Reply, accepted: accepted}
		h.groups[kind+"\x00"+key] = g
	}
	for i := range g.outs {
		if g.outs[i].o.MemberID == o.MemberID {
			// The same member again (a retry in this run): keep the later.
			g.outs[i].o, g.outs[i].res = o, res
			return false, ""
		}
	}
	g.outs = append(g.outs, heldOutcome{o: o, res: res, at: now})
	h.n++
	if g.tripped || len(g.outs) < h.after || int64(len(g.outs)) <= accepted-g.accepted {
		return false, ""
	}
	g.tripped = true
	if kind == holdConnection {
		return true, fmt.Sprintf("%d connections failed before the relay took a message: %s", len(g.outs), g.reply)
	}
	return true, fmt.Sprintf("%d members refused with the same reply: %s", len(g.outs), g.reply)
}

// due takes the outcomes held for holdFor (all of them when final) out
// of holding: as they are, or back to pending when their reply was the
// relay's.
func (h *holding) due(now time.Time, final bool) []heldOutcome {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == 0 {
		return nil
	}
	var out []heldOutcome
	for k, g := range h.groups {
		keep := g.outs[:0]
		for _, x := range g.outs {
			switch {
			case g.tripped && final:
				x.o = Outcome{MemberID: x.o.MemberID, State: StatePending}
				x.res.State = StatePending
			case g.tripped || (!final && now.Sub(x.at) < h.holdFor):
				keep = append(keep, x)
				continue
			}
			out = append(out, x)
		}
		g.outs = keep
		if len(keep) == 0 && !g.tripped {
			delete(h.groups, k)
		}
	}
	h.n -= len(out)
	return out
}
