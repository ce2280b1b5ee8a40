// Package delivery is the delivery ledger and the Sender that walks it:
// one row per (issue, member), pending → sending → sent, failed_temp (with
// a next attempt time) or failed_perm, and `sending` is committed before
// the message's DATA, so a crash can at worst resend a message with the
// same Message-ID, never skip one. The Ledger contract is declared here;
// package store implements it.
//
// Sender runs a pool of workers, each with its own connection from a
// mailer.Transport, reused for MaxPerConn messages (with PIPELINING the
// next envelope rides behind the final dot). Workers wait for each
// outcome's commit before their next final dot; outcomes of several
// workers share one commit, a worker's next rows are claimed inside it,
// and the committer sends the dots that waited for it.
package delivery
