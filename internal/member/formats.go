package member

import (
	"fmt"
	"strings"
	"time"
)

// Format is a kind of membership file: Folio's own, or another system's
// export, recognised from the header row.
type Format string

// The formats ReadMembers recognises.
const (
	FormatFolio     Format = "folio"
	FormatGhost     Format = "ghost"
	FormatSubstack  Format = "substack"
	FormatMailchimp Format = "mailchimp"
)

// format is how one kind of file becomes members: the columns that
// identify it and the reading of one row.
type format struct {
	name Format
	// match reports whether a header (lower-cased names) is this format.
	match func(cols map[string]int) bool
	// required columns, reported when missing.
	required []string
	// row turns one record into a member and the source value its status
	// came from ("lapsed", "subscribed_to_emails=false"); the error names
	// its column.
	row func(get func(string) string, tier string) (Member, string, *fieldError)
}

type fieldError struct {
	field string
	err   error
}

// formats are tried in order; Folio's own comes last, as it is the least
// specific and reports its missing columns.
func formats() []format {
	return []format{
		{name: FormatGhost, match: has("email", "subscribed_to_emails"), required: []string{"email"}, row: ghostRow},
		{name: FormatSubstack, match: hasAny("email", "active_subscription", "email_disabled"), required: []string{"email"}, row: substackRow},
		{name: FormatMailchimp, match: hasAny("email address", "member_rating", "optin_time", "leid", "euid", "confirm_time"), required: []string{"email address"}, row: mailchimpRow},
		{name: FormatFolio, match: func(map[string]int) bool { return true }, required: []string{"email", "name", "tier", "status"}, row: folioRow},
	}
}

func has(cols ...string) func(map[string]int) bool {
	return func(h map[string]int) bool {
		for _, c := range cols {
			if _, ok := h[c]; !ok {
				return false
			}
		}
		return true
	}
}

// hasAny: the first column and at least one of the others.
func hasAny(first string, others ...string) func(map[string]int) bool {
	return func(h map[string]int) bool {
		if _, ok := h[first]; !ok {
			return false
		}
		for _, c := range others {
			if _, ok := h[c]; ok {
				return true
			}
		}
		return false
	}
}

// statusAliases maps the statuses other systems write to Folio's. Paid,
// free, comped and trial members receive issues; a lapsed or cancelled
// subscription, or one never confirmed, is paused (not mailed, but
// reactivated by a later import that says active); only an unsubscribe or
// a bounce sticks.
var statusAliases = map[string]Status{
	"active": StatusActive, "subscribed": StatusActive, "free": StatusActive, "paid": StatusActive,
	"comped": StatusActive, "comp": StatusActive, "complimentary": StatusActive, "gift": StatusActive,
	"trial": StatusActive, "trialing": StatusActive, "in_trial": StatusActive, "founding": StatusActive,
	"past_due": StatusActive, "not_renewing": StatusActive, "member": StatusActive,
	"paused": StatusPaused, "lapsed": StatusPaused, "cancelled": StatusPaused, "canceled": StatusPaused,
	"expired": StatusPaused, "pending": StatusPaused, "non-subscribed": StatusPaused, "nonsubscribed": StatusPaused,
	"transactional": StatusPaused, "archived": StatusPaused, "inactive": StatusPaused,
	"unsubscribed": StatusUnsubscribed, "unsubscribe": StatusUnsubscribed, "opted_out": StatusUnsubscribed,
	"opted-out": StatusUnsubscribed, "optout": StatusUnsubscribed, "complained": StatusUnsubscribed,
	"bounced": StatusBounced, "cleaned": StatusBounced, "hard_bounce": StatusBounced, "undeliverable": StatusBounced,
}

// MapStatus maps a status as another system writes it to Folio's.
func MapStatus(raw string) (Status, bool) {
	st, ok := statusAliases[strings.ToLower(strings.TrimSpace(raw))]
	return st, ok
}

func folioRow(get func(string) string, defTier string) (Member, string, *fieldError) {
	raw := get("status")
	if raw == "" {
		return Member{}, "", &fieldError{"status", ErrRequired}
	}
	st, ok := MapStatus(raw)
	if !ok {
		return Member{}, "", &fieldError{"status", fmt.Errorf("%q: %w", raw, ErrUnknownStatus)}
	}
	tier := get("tier")
	if tier == "" {
		tier = defTier
	}
	return Member{Email: get("email"), Name: get("name"), Tier: tier, Status: st, DeliverPDF: strings.ToLower(get("deliver_pdf"))},
		strings.ToLower(raw), nil
}

// ghostRow reads Ghost's member export. subscribed_to_emails says
// whether the member gets newsletters; the tier is the first of tiers,
// else comped, paid (a Stripe customer) or free.
func ghostRow(get func(string) string, defTier string) (Member, string, *fieldError) {
	sub, ok := parseBool(get("subscribed_to_emails"))
	if !ok {
		return Member{}, "", &fieldError{"subscribed_to_emails", fmt.Errorf("%q: want true or false", get("subscribed_to_emails"))}
	}
	m := Member{Email: get("email"), Name: get("name"), Status: StatusActive}
	from := "subscribed_to_emails=true"
	switch {
	case get("deleted_at") != "":
		m.Status, from = StatusUnsubscribed, "deleted_at set"
	case !sub:
		m.Status, from = StatusUnsubscribed, "subscribed_to_emails=false"
	}
	tiers := strings.Split(get("tiers"), ",")
	m.Tier = strings.TrimSpace(tiers[0])
	if m.Tier == "" {
		comp, _ := parseBool(get("complimentary_plan"))
		switch {
		case comp:
			m.Tier = "comped"
		case get("stripe_customer_id") != "":
			m.Tier = "paid"
		case defTier != "":
			m.Tier = defTier
		default:
			m.Tier = "free"
		}
	}
	return m, from, nil
}

// substackRow reads Substack's subscriber export: email_disabled means
// the reader turned emails off; active_subscription tells paid from free.
func substackRow(get func(string) string, defTier string) (Member, string, *fieldError) {
	m := Member{Email: get("email"), Name: get("name"), Status: StatusActive}
	paid, ok := parseBool(get("active_subscription"))
	if !ok && get("active_subscription") != "" {
		return Member{}, "", &fieldError{"active_subscription", fmt.Errorf("%q: want true or false", get("active_subscription"))}
	}
	disabled, ok := parseBool(get("email_disabled"))
	if !ok && get("email_disabled") != "" {
		return Member{}, "", &fieldError{"email_disabled", fmt.Errorf("%q: want true or false", get("email_disabled"))}
	}
	from := "email_disabled=false"
	if disabled {
		m.Status, from = StatusUnsubscribed, "email_disabled=true"
	}
	switch {
	case paid && strings.EqualFold(get("plan"), "founding"):
		m.Tier = "founding"
	case paid:
		m.Tier = "paid"
	case expired(get("expiry")):
		m.Tier, from = "free", from+" (paid subscription lapsed)"
	case defTier != "":
		m.Tier = defTier
	default:
		m.Tier = "free"
	}
	return m, from, nil
}

// mailchimpRow reads Mailchimp's audience export: a Status column when
// there is one, else the file kind (unsubscribed and cleaned exports carry
// UNSUB_TIME and CLEAN_TIME).
func mailchimpRow(get func(string) string, defTier string) (Member, string, *fieldError) {
	m := Member{Email: get("email address"), Tier: defTier}
	m.Name = strings.TrimSpace(get("first name") + " " + get("last name"))
	raw := ""
	for _, col := range []string{"status", "member status", "email marketing"} {
		if v := get(col); v != "" {
			raw = strings.ToLower(v)
			break
		}
	}
	switch {
	case raw != "":
	case get("clean_time") != "":
		raw = "cleaned"
	case get("unsub_time") != "":
		raw = "unsubscribed"
	default:
		raw = "subscribed"
	}
	st, ok := MapStatus(raw)
	if !ok {
		return Member{}, "", &fieldError{"status", fmt.Errorf("%q: %w", raw, ErrUnknownStatus)}
	}
	m.Status = st
	return m, raw, nil
}

func parseBool(s string) (v, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "1", "t", "y":
		return true, true
	case "false", "no", "0", "f", "n", "":
		return false, true
	}
	return false, false
}

// expired reports whether an expiry date (RFC 3339, a date, or the
// JavaScript Date string Substack writes) lies in the past.
func expired(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	if i := strings.Index(s, " GMT"); i > 0 {
		s = s[:i] // "Fri Dec 25 2020 14:40:02 GMT+0000 (Coordinated Universal Time)"
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02", "Mon Jan 02 2006 15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Before(time.Now())
		}
	}
	return false
}
