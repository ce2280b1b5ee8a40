// Package mailer delivers an issue to members: the member model and its CSV
// import, message building (its own MIME writer), the transports (an SMTP
// relay through go-mail's client, or an outbox folder of .eml files), the per-(issue, member) delivery ledger
// contract and the Sender engine that walks it, and the signed links
// members click to unsubscribe or open their archive.
//
// The package holds no SQL: a Ledger implementation (package store) keeps
// the state. Every delivery goes pending → sending → sent, failed_temp (with
// a next attempt time) or failed_perm, and `sending` is committed before the
// message's DATA, so a crash can at worst resend a message with the same
// Message-ID, never skip one.
//
// Sender runs a pool of workers, each with its own SMTP connection reused
// for MaxPerConn messages (MAIL, RCPT, DATA, body: no NOOP, no RSET after a
// good message; with PIPELINING the next envelope rides behind the final
// dot). Workers wait for each outcome's commit before their next final
// dot; outcomes of several workers share one commit, a worker's next rows
// are claimed inside it, and the committer sends the dots that waited for
// it. Only an explicit 5xx reply is permanent; 4xx, dropped
// connections and timeouts are retried with backoff; an authentication or
// 5.7.x policy refusal pauses the run with the rest left pending.
package mailer
