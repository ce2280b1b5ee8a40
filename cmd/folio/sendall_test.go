package main

import (
	"testing"

	"github.com/foliopress/folio/internal/delivery"
)

// TestOthersHaveTheRest: a send waits for other instances while the rows
// left are theirs to send, or pending while the ledger moves (a row
// another instance is claiming is locked, so this one cannot claim it:
// CI once saw a joining send give up with 453 such rows); a retry due
// later, a pause, an early stop or a ledger that stood still ends it.
func TestOthersHaveTheRest(t *testing.T) {
	counts := func(pending, sending, retrying, sent int) map[delivery.State]int {
		return map[delivery.State]int{delivery.StatePending: pending, delivery.StateSending: sending,
			delivery.StateFailedTemp: retrying, delivery.StateSent: sent}
	}
	tests := []struct {
		name   string
		sum    delivery.Summary
		before map[delivery.State]int
		want   bool
	}{
		{"all sent", delivery.Summary{Counts: counts(0, 0, 0, 600)}, nil, false},
		{"only others sending", delivery.Summary{Counts: counts(0, 40, 0, 560)}, counts(0, 40, 0, 560), true},
		{"pending after the first pass", delivery.Summary{Counts: counts(453, 0, 0, 147)}, nil, true},
		{"pending, the ledger moved", delivery.Summary{Counts: counts(300, 20, 0, 280)}, counts(453, 0, 0, 147), true},
		{"pending, the ledger stood still", delivery.Summary{Counts: counts(300, 20, 0, 280)}, counts(300, 20, 0, 280), false},
		{"a retry due later", delivery.Summary{Counts: counts(0, 0, 3, 597)}, nil, false},
		{"paused", delivery.Summary{Counts: counts(453, 0, 0, 147), Paused: true}, nil, false},
		{"stopped early", delivery.Summary{Counts: counts(453, 0, 0, 147), Reason: "the relay hung up"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := othersHaveTheRest(tt.sum, tt.before); got != tt.want {
				t.Errorf("othersHaveTheRest = %v, want %v", got, tt.want)
			}
		})
	}
}
