package mailer

import (
	"errors"
	"regexp"
	"strings"
	"sync"
)

// Whom a refusal is about. A relay's refusal of its own (relaying denied,
// a message too big, a sender it does not like) is not the member's
// fault: only a reply that says the recipient's address is gone may
// suppress it, and a connection that fails is the connection's.

// goneCodes are the enhanced status codes that say the recipient's
// address does not exist or takes no mail (RFC 3463, RFC 7505).
var goneCodes = map[string]bool{
	"5.1.1":  true, // bad destination mailbox address
	"5.1.2":  true, // bad destination system address
	"5.1.3":  true, // bad destination mailbox address syntax
	"5.1.6":  true, // destination mailbox has moved
	"5.1.10": true, // null MX: the domain accepts no mail
	"5.2.1":  true, // mailbox disabled
}

var (
	// goneWords say the recipient is gone, in replies without a specific
	// enhanced status code.
	goneWords = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)user unknown|unknown user|no such (user|mailbox|recipient|address|account)|` +
			`(mailbox|recipient|address|user|account) (not found|unknown|does not exist|doesn't exist|is disabled|disabled)|` +
			`unknown (recipient|mailbox|address)|invalid (recipient|mailbox)|recipient not found|mailbox unavailable|` +
			`address rejected|does not exist`)
	})
	// relayWords say a reply is about the relay, the sender or the
	// message, whatever else it mentions ("Recipient address rejected:
	// Relay access denied").
	relayWords = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)relay|not permitted|access denied|denied|policy|spam|block|listed|reputation|` +
			`authenticat|sender|size|too (big|large)|exceed|quota|rate|too many|limit|content|virus`)
	})
	// throttleWords say a temporary refusal is about the pace of sending.
	throttleWords = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\brate\b|rate.?limit|too many|too much|throttl|slow down|volume|frequen|` +
			`limit exceeded|exceeded|busy|unusual rate`)
	})
	// sessionWords say a refusal is about the number of messages one
	// session may carry, which a fresh connection resets.
	sessionWords = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)(messages|mails?) (in|per|for) (this|the|one|a) (session|connection)|` +
			`per (session|connection)|session limit`)
	})
	// addrWords are addresses inside a reply's text; replies that differ
	// only in the address they name are the same reply.
	addrWords = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<?[^\s<>@]+@[^\s<>]+>?`) })
	// idWords are words with a digit: those of idLen octets or more are
	// what relays add to tell one transaction from another (Gmail's
	// "d75a77b69052e-4f4c2d1f0a5si1234.15 - gsmtp", Microsoft's
	// time stamps, queue ids), so replies that differ only in them are the
	// same reply.
	idWords = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\S*[0-9]\S*`) })
)

// idLen is the shortest word with a digit ReplyKey takes for an id:
// longer than an enhanced status code ("5.1.10") or a short error number
// ("(S3140)").
const idLen = 8

// Suppressible reports whether a permanent refusal says the recipient's
// address is gone, so it must never be mailed again: a recipient-specific
// enhanced status code (5.1.1, 5.1.2, 5.1.3, 5.1.6, 5.1.10, 5.2.1) in
// reply to RCPT or to the message, or — when the reply has no specific
// code — wording such as "user unknown" that says nothing about relaying
// or policy. A generic "550 relay not permitted", "5.7.1 relaying denied"
// or "552 message too big" never suppresses.
func Suppressible(err error) bool {
	var se *SMTPError
	if !errors.As(err, &se) || se.Local || Classify(err) != Permanent || (se.Phase != PhaseRcpt && se.Phase != PhaseBody) {
		return false
	}
	if specific(se.Enhanced) {
		return goneCodes[se.Enhanced]
	}
	return goneWords().MatchString(se.Message) && !relayWords().MatchString(se.Message)
}

// specific reports whether an enhanced status code says more than its
// class (X.0.0 is what servers send when they have nothing to add).
func specific(enhanced string) bool {
	return enhanced != "" && !strings.HasSuffix(enhanced, ".0.0")
}

// ConnectionFailure reports whether a delivery failed with its connection
// before the relay took the message: a 421 (the relay closes the
// session) at any step, or no reply at all before the final dot (a
// dropped connection, a timeout). Such a failure is the connection's,
// not the recipient's: the message can go again on a fresh connection.
// A failure after the whole message went out is Ambiguous instead.
func ConnectionFailure(err error) bool {
	var se *SMTPError
	if !errors.As(err, &se) || se.Local {
		return false
	}
	if se.Code == 421 {
		return true
	}
	return se.Code == 0 && !se.Ambiguous && se.Phase != PhaseDial
}

// Throttled reports whether a temporary refusal (421, 451 or 452) asks
// the sender to slow down: its text speaks of rate or volume ("rate
// limit exceeded", "too many messages", "slow down") and not of what one
// session may carry, or it is Gmail's 4.7.28.
func Throttled(err error) bool {
	var se *SMTPError
	if !errors.As(err, &se) || se.Local {
		return false
	}
	switch se.Code {
	case 421, 451, 452:
		return se.Enhanced == "4.7.28" || throttleWords().MatchString(se.Message) && !sessionWords().MatchString(se.Message)
	}
	return false
}

// ReplyKey is a refusal's reply with the addresses and transaction ids
// it names taken out and case folded: the replies a relay gives every
// recipient alike have the same key.
func ReplyKey(err error) string {
	var se *SMTPError
	if !errors.As(err, &se) {
		return strings.ToLower(err.Error())
	}
	if se.Code == 0 {
		return se.Phase + ": no reply"
	}
	key := addrWords().ReplaceAllString(se.Reply(), "<…>")
	key = idWords().ReplaceAllStringFunc(key, func(w string) string {
		if len(w) < idLen {
			return w
		}
		return "<id>"
	})
	return strings.ToLower(key)
}

// Code is the reply code of a failure, 0 when the server gave none.
func Code(err error) int {
	var se *SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

// Ambiguous reports whether the connection failed after the whole
// message went out, so the relay may have taken it.
func Ambiguous(err error) bool {
	var se *SMTPError
	return errors.As(err, &se) && se.Ambiguous
}

// IsLocal reports whether a refusal was Folio's own (SMTPError.Local).
func IsLocal(err error) bool {
	var se *SMTPError
	return errors.As(err, &se) && se.Local
}

// RecipientGone reports whether a permanent status and its text — a
// reply's enhanced code and message, or a DSN's Status and
// Diagnostic-Code — say the recipient's address is gone, by the rule
// Suppressible applies to replies: a recipient-specific enhanced code, or
// without one, wording such as "user unknown" that says nothing about
// relaying or policy. Inbound bounces use it.
func RecipientGone(enhanced, text string) bool {
	if specific(enhanced) {
		return goneCodes[enhanced]
	}
	return goneWords().MatchString(text) && !relayWords().MatchString(text)
}
