package newsletter

import (
	"fmt"
	"html"
	"strings"
)

// Recipient is one member as the email addresses them. The URLs are
// personal and signed by the caller.
type Recipient struct {
	Name, Email, Tier          string
	ArchiveURL, UnsubscribeURL string
	// PDFURL is set when the PDF is linked rather than attached.
	PDFURL      string
	PDFAttached bool
	// ManageURL is the member's "manage your delivery" page (pause, PDF
	// attached or linked, unsubscribe); empty means UnsubscribeURL.
	ManageURL string
	// IssueURL is the member's own address of the issue's web version,
	// ending in "/" (a signed archive link): the email's "view in your
	// browser", review and PDF links start with it. Empty means the
	// public {base_url}/issues/{week}/.
	IssueURL string
}

// Message is one member's newsletter.
type Message struct {
	HTML, Text string
	// Inline are the photos to embed when Images is "embed"; shared by
	// every message of the edition, so do not modify.
	Inline []Image
}

// Parts is one member's newsletter in pieces, as a mailer encodes it:
// joined, HTML and Text are Message's. Even pieces are the edition's own
// strings, shared by every member's copy (a mailer may encode them once
// per send); odd pieces are the member's own.
type Parts struct {
	HTML, Text []string
	Inline     []Image
}

// Render personalises the edition for one member: it runs the personal
// templates and fills the member's fields into the shared render.
func (e *Edition) Render(rc Recipient) (Message, error) {
	p, err := e.RenderParts(rc)
	if err != nil {
		return Message{}, err
	}
	return Message{HTML: strings.Join(p.HTML, ""), Text: strings.Join(p.Text, ""), Inline: p.Inline}, nil
}

// RenderParts is Render without joining the pieces: a member's copy is
// then mostly the edition's shared strings, not a fresh document.
func (e *Edition) RenderParts(rc Recipient) (Parts, error) {
	rv, err := e.recipient(rc)
	if err != nil {
		return Parts{}, err
	}
	var hv, tv [slotCount]string
	var sb strings.Builder
	names := personalNames()
	for i := range names {
		sb.Reset()
		if err := e.r.personal.html[i].Execute(&sb, rv); err != nil {
			return Parts{}, fmt.Errorf("%w %s: %w", ErrTemplate, names[i], err)
		}
		hv[i] = sb.String()
		sb.Reset()
		if err := e.r.personal.text[i].Execute(&sb, rv); err != nil {
			return Parts{}, fmt.Errorf("%w %s (text): %w", ErrTemplate, names[i], err)
		}
		tv[i] = strings.TrimSpace(sb.String())
	}
	tv[slotName], tv[slotEmail], tv[slotTier] = rv.Name, rv.Email, rv.Tier
	tv[slotUnsubscribe], tv[slotArchive], tv[slotPDFURL] = rv.UnsubscribeURL, rv.ArchiveURL, rv.PDFURL
	tv[slotIssueURL], tv[slotManage] = rv.issueURL, rv.ManageURL
	for _, s := range []int{slotName, slotEmail, slotTier, slotUnsubscribe, slotArchive, slotPDFURL, slotIssueURL, slotManage} {
		hv[s] = html.EscapeString(tv[s])
	}
	return Parts{
		HTML:   e.html.pieces(make([]string, 0, 2*len(e.html.chunks)), &hv, false),
		Text:   e.text.pieces(make([]string, 0, 2*len(e.text.chunks)), &tv, true),
		Inline: e.inline,
	}, nil
}

// recipient checks a member's fields and makes them safe to print: no
// control characters (a name cannot add lines), links http(s) or mailto.
func (e *Edition) recipient(rc Recipient) (RecipientView, error) {
	rv := RecipientView{
		Name:        cleanField(rc.Name),
		Email:       cleanField(rc.Email),
		Tier:        cleanField(rc.Tier),
		PDFAttached: rc.PDFAttached,
		Magazine:    e.iss.Magazine,
		Number:      e.iss.Number,
	}
	rv.TierLabel = capitalise(rv.Tier)
	var err error
	if rc.UnsubscribeURL == "" {
		return RecipientView{}, fmt.Errorf("newsletter: recipient %s: no unsubscribe URL", rv.Email)
	}
	if rv.UnsubscribeURL, err = checkURL(rc.UnsubscribeURL, true); err != nil {
		return RecipientView{}, fmt.Errorf("newsletter: recipient %s: unsubscribe: %w", rv.Email, err)
	}
	rv.ManageURL = rv.UnsubscribeURL
	if rc.ManageURL != "" {
		if rv.ManageURL, err = checkURL(rc.ManageURL, false); err != nil {
			return RecipientView{}, fmt.Errorf("newsletter: recipient %s: manage: %w", rv.Email, err)
		}
	}
	if rc.ArchiveURL != "" {
		if rv.ArchiveURL, err = checkURL(rc.ArchiveURL, false); err != nil {
			return RecipientView{}, fmt.Errorf("newsletter: recipient %s: archive: %w", rv.Email, err)
		}
	}
	if rc.PDFURL != "" {
		if rv.PDFURL, err = checkURL(rc.PDFURL, false); err != nil {
			return RecipientView{}, fmt.Errorf("newsletter: recipient %s: PDF: %w", rv.Email, err)
		}
	}
	rv.issueURL = e.iss.WebURL()
	if rc.IssueURL != "" {
		if rv.issueURL, err = checkURL(rc.IssueURL, false); err != nil || !strings.HasSuffix(rv.issueURL, "/") {
			return RecipientView{}, fmt.Errorf("newsletter: recipient %s: issue URL %q: want an http(s) URL ending in /: %v", rv.Email, rc.IssueURL, err)
		}
	}
	return rv, nil
}

// cleanField turns control characters into spaces and trims the result.
func cleanField(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(strings.Join(strings.FieldsFunc(s, isControl), " "))
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029
}
