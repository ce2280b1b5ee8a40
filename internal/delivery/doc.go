// Package delivery is the delivery ledger and the Sender that walks it:
// one row per (issue, member), pending → sending → sent, failed_temp (with
// a next attempt time) or failed_perm, and `sending` is committed before
// the message's DATA, so a crash can at worst resend a message with the
// same Message-ID, never skip one. The Ledger and Budget contracts are
// declared here; package store implements them.
//
// Sender runs a pool of workers, each with its own connection from a
// mailer.Transport, reused for MaxPerConn messages (with PIPELINING the
// next envelope rides behind the final dot). Workers wait for each
// outcome's commit before their next final dot; outcomes of several
// workers share one commit, a worker's next rows are claimed inside it,
// and the committer sends the dots that waited for it (worker.go states
// the concurrency rules).
//
// A failure is judged by whom it is about (judge.go): the member's own
// is recorded; the relay's pace or a dead connection sends the member
// again in the same run; a refusal the relay may be giving everyone is
// held, and when several members get the same one the run pauses with
// them pending (hold.go). The pace (pacer.go) is the configured limits,
// kept in the shared Budget, and what the relay asks for (aimd.go).
package delivery
