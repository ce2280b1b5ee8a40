package inbound

import (
	"regexp"
	"strings"
	"sync"
)

// readARF reads an abuse report (RFC 5965, as Yahoo's Complaint Feedback
// Loop and Microsoft's JMRP send it): the machine-readable
// message/feedback-report part, then the original message or its headers.
func readARF(top *part, r *Report) {
	readOriginal(top, r)
	r.FeedbackType = "abuse"
	p := top.find("message/feedback-report")
	if p == nil {
		return
	}
	h := headerBlock(p.body)
	if ft := strings.ToLower(strings.TrimSpace(h.Get("Feedback-Type"))); ft != "" {
		r.FeedbackType = ft
	}
	for _, v := range h.Values("Original-Mail-From") {
		r.Original.Senders = append(r.Original.Senders, bareAddress(v))
	}
	for _, v := range h.Values("Original-Rcpt-To") {
		r.Original.Recipients = append(r.Original.Recipients, bareAddress(v))
	}
}

// complaintWords: the first lines of the complaint notices that are not
// ARF (older JMRP, some abuse desks), which attach the message.
var complaintWords = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)this is an (e-?mail )?abuse report|complaint about (a )?message|` +
		`reported (this|the) (message|email) as spam|feedback loop`)
})

// looksLikeComplaint reports a non-ARF complaint: such words and the
// complained-of message attached.
func looksLikeComplaint(top *part) bool {
	if top.find("message/rfc822") == nil {
		return false
	}
	t := top.text()
	if len(t) > 4096 {
		t = t[:4096]
	}
	return complaintWords().MatchString(top.header.Get("Subject")) || complaintWords().MatchString(t)
}

// readLegacyComplaint reads such a notice: the attached original names
// the member; Microsoft adds X-HmXmrOriginalRecipient to it.
func readLegacyComplaint(top *part, r *Report) {
	readOriginal(top, r)
	r.FeedbackType = "abuse"
	if p := top.find("message/rfc822"); p != nil && len(p.parts) > 0 {
		for _, v := range p.parts[0].header.Values("X-Hmxmroriginalrecipient") {
			r.Original.Recipients = append(r.Original.Recipients, addresses(v)...)
		}
	}
}
