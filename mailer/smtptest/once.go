package smtptest

import "testing"

// Duplicates checks the promise a crash test makes: every address in
// addrs received the issue, and every further copy an address got
// carries the Message-ID of its first. ids holds each address's
// Message-IDs in arrival order. It returns the number of further copies,
// for the caller to bound by the messages in flight at its kills.
func Duplicates(t testing.TB, ids map[string][]string, addrs []string) int {
	t.Helper()
	dups := 0
	for _, addr := range addrs {
		got := ids[addr]
		if len(got) == 0 {
			t.Errorf("%s never received the issue", addr)
		}
		for _, id := range got[min(1, len(got)):] {
			dups++
			if id != got[0] {
				t.Errorf("%s: copies with Message-IDs %s and %s", addr, got[0], id)
			}
		}
	}
	return dups
}
