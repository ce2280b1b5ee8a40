// Package mailer builds and sends messages: its own MIME writer
// (quoted-printable, base64, headers, stable boundaries), DKIM signing,
// and the transports — an SMTP relay through go-mail's client, with
// PIPELINING, or an outbox folder of .eml files. It knows nothing of
// members or the delivery ledger: package delivery hands it rendered
// messages and hears back each one's reply.
//
// An SMTP failure is an *SMTPError carrying the reply code, enhanced
// status code and phase; Classify turns it into what the sender should
// do: only an explicit 5xx reply is permanent; 4xx, dropped connections
// and timeouts are retried; an authentication or 5.7.x policy refusal
// pauses the run.
package mailer
