package inbound

import (
	"bytes"
	"regexp"
	"strings"
	"sync"
)

var (
	enhancedRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?:^|[^\d.])([245])\.(\d{1,3})\.(\d{1,3})(?:[^\d.]|$)`)
	})
	smtpCodeRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?:^|[^\d])([245]\d\d)(?:[ -]|$)`) })
)

// statusIn finds the first enhanced status code in s ("5.1.1").
func statusIn(s string) string {
	if m := enhancedRE().FindStringSubmatch(s); m != nil {
		return m[1] + "." + m[2] + "." + m[3]
	}
	return ""
}

// readDSN reads an RFC 3464 report: one group of per-message fields, then
// a group per recipient (Final-Recipient, Action, Status,
// Diagnostic-Code), separated by blank lines.
func readDSN(top *part, r *Report) {
	readOriginal(top, r)
	p := top.find("message/delivery-status", "message/global-delivery-status")
	if p == nil {
		readLegacyBounce(top, r)
		return
	}
	body := bytes.ReplaceAll(p.body, []byte("\r\n"), []byte("\n"))
	groups := bytes.Split(bytes.TrimSpace(body), []byte("\n\n"))
	for _, g := range groups {
		h := headerBlock(g)
		rcpt := h.Get("Final-Recipient")
		if rcpt == "" {
			rcpt = h.Get("Original-Recipient")
		}
		action := strings.ToLower(strings.TrimSpace(h.Get("Action")))
		if rcpt == "" && action == "" {
			continue // the per-message group
		}
		f := Failure{
			Recipient:  bareAddress(rcpt),
			Action:     action,
			Status:     statusIn(h.Get("Status")),
			Diagnostic: oneLine(h.Get("Diagnostic-Code")),
		}
		if f.Status == "" {
			f.Status = statusIn(f.Diagnostic)
		}
		if f.Status == "" && f.Action == "failed" {
			f.Status = "5.0.0"
		}
		r.Failures = append(r.Failures, f)
	}
	if len(r.Failures) == 0 {
		readLegacyBounce(top, r)
	}
}

var (
	// bounceSender: who sends non-standard bounces.
	bounceSender = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)mailer-daemon|postmaster|mail delivery (subsystem|system)|microsoftexchange|` +
			`mail administrator|mailer_daemon`)
	})
	// bounceWords: what their subjects and first lines say.
	bounceWords = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)undeliver|delivery status notification|delivery (has )?failed|delivery failure|` +
			`mail delivery (failed|failure|system)|returned mail|failure notice|could not be delivered|couldn't be delivered|` +
			`wasn't delivered|delivery incomplete|not (been )?delivered|unzustellbar|non remis|address not found|` +
			`permanent error|delivery delayed|delayed mail|warning: message .* delayed`)
	})
	// delayWords: a temporary failure still being retried.
	delayWords = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)delayed|not yet been delivered|will (continue to )?(re)?try|has not been delivered yet|` +
			`temporar|still trying|retry`)
	})
	// goneWords: without a code, the wording of a recipient who is gone.
	goneWords = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)user unknown|unknown user|no such (user|mailbox|recipient|address)|address not found|` +
			`couldn't be found|could not be found|does not exist|doesn't exist|recipnotfound|mailbox unavailable|invalid recipient`)
	})
	// failedList: the lines after which a bounce lists the failed addresses.
	failedList = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)(following (address(\(es\))?|recipients?)( failed| could not be reached)?|` +
			`failed to these recipients( or groups)?|wasn't delivered to|was not delivered to|could not be delivered to|` +
			`delivery to the following recipients? failed( permanently)?|couldn't be delivered to)`)
	})
)

// looksLikeBounce reports whether a message that is not an RFC 3464
// report is a bounce all the same: sent by a mailer daemon (or with a
// null sender) and saying so in its subject or text.
func looksLikeBounce(top *part) bool {
	from := top.header.Get("From")
	null := strings.TrimSpace(top.header.Get("Return-Path")) == "<>"
	if !bounceSender().MatchString(from) && !null {
		return false
	}
	if bounceWords().MatchString(top.header.Get("Subject")) {
		return true
	}
	t := top.text()
	if len(t) > 4096 {
		t = t[:4096]
	}
	return bounceWords().MatchString(t)
}

// readLegacyBounce reads the bounces that are not RFC 3464 reports
// (Exim, qmail, old Exchange, Gmail's plain notices): the failed address
// after the sentence that introduces it, the first status code near it,
// and whether the text says the message is still being retried.
func readLegacyBounce(top *part, r *Report) {
	if r.Original.MessageID == "" {
		readOriginal(top, r)
	}
	text := top.text()
	if len(text) > 64<<10 {
		text = text[:64<<10]
	}
	inlineCopy(text, r)
	ours := map[string]bool{}
	for _, a := range r.Recipients {
		ours[strings.ToLower(a)] = true
	}
	for _, a := range addresses(top.header.Get("From")) {
		ours[strings.ToLower(a)] = true
	}
	rcpt := ""
	if loc := failedList().FindStringIndex(text); loc != nil {
		rcpt = firstAddress(text[loc[1]:], ours)
	}
	if rcpt == "" {
		rcpt = firstAddress(text, ours)
	}
	f := Failure{Recipient: rcpt, Action: "failed"}
	for _, line := range strings.Split(text, "\n") {
		if st := statusIn(line); st != "" {
			f.Status, f.Diagnostic = st, oneLine(line)
			break
		}
	}
	if f.Status == "" {
		for _, line := range strings.Split(text, "\n") {
			if m := smtpCodeRE().FindStringSubmatch(line); m != nil {
				f.Status, f.Diagnostic = m[1][:1]+".0.0", oneLine(line)
				break
			}
		}
	}
	if f.Status == "" {
		if loc := goneWords().FindStringIndex(text); loc != nil {
			f.Status, f.Diagnostic = "5.0.0", oneLine(lineAt(text, loc[0]))
		}
	}
	if f.Status == "" {
		return
	}
	if delayWords().MatchString(top.header.Get("Subject")) || (strings.HasPrefix(f.Status, "4.") && delayWords().MatchString(text)) {
		f.Action = "delayed"
		if strings.HasPrefix(f.Status, "5.") {
			f.Status = "4" + f.Status[1:]
		}
	}
	r.Failures = append(r.Failures, f)
}

var (
	copyMarker = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)copy of the (original )?message|original message (headers|follows)|` +
			`-+ ?original message ?-+|undelivered message headers`)
	})
	copiedID     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?im)^[ \t]*message-id:[ \t]*<([^<>\s]+)>`) })
	copiedSender = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?im)^[ \t]*return-path:[ \t]*<([^<>\s]+)>`) })
)

// inlineCopy reads the original's Message-ID and envelope sender from a
// copy pasted into the bounce's text (Exim, qmail), after the line that
// announces it.
func inlineCopy(text string, r *Report) {
	loc := copyMarker().FindStringIndex(text)
	if loc == nil {
		return
	}
	rest := text[loc[1]:]
	if r.Original.MessageID == "" {
		if m := copiedID().FindStringSubmatch(rest); m != nil {
			r.Original.MessageID = m[1]
		}
	}
	for _, m := range copiedSender().FindAllStringSubmatch(rest, 2) {
		r.Original.Senders = append(r.Original.Senders, m[1])
	}
}

// firstAddress is the first address in s that is not one of ours.
func firstAddress(s string, ours map[string]bool) string {
	for _, a := range addrRE().FindAllString(s, 16) {
		if la := strings.ToLower(a); !ours[la] && !strings.HasPrefix(la, "mailer-daemon@") && !strings.HasPrefix(la, "postmaster@") {
			return a
		}
	}
	return ""
}

// lineAt is the line of s holding byte i.
func lineAt(s string, i int) string {
	start := strings.LastIndexByte(s[:i], '\n') + 1
	end := strings.IndexByte(s[i:], '\n')
	if end < 0 {
		return s[start:]
	}
	return s[start : i+end]
}

// oneLine folds white space and caps the length of a diagnostic.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}
