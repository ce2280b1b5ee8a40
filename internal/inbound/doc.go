// Package inbound reads what comes back from sending: delivery status
// notifications (RFC 3464, and the non-standard bounces of Exchange,
// Gmail, Exim and qmail), abuse reports (ARF, RFC 5965: Yahoo's CFL,
// Microsoft's JMRP) and mail to a member's mailto unsubscribe address.
// It maps each to its member — by the signed VERP address the message
// was sent from, by a token in the original's List-Unsubscribe, or by the
// original Message-ID in the delivery ledger — and acts on it through the
// members' lifecycle exactly once: a hard bounce makes the member bounced
// and suppressed, soft bounces are counted, a complaint or a mailed
// unsubscribe unsubscribes. Anything else is kept aside for the operator,
// never dropped in silence.
//
// Messages arrive through Processor.Process from `folio inbound` (files,
// an mbox, a Postfix pipe transport), the SMTP listener of `folio serve`
// (Listener), or provider webhooks (SNS for Amazon SES, Postmark).
package inbound
