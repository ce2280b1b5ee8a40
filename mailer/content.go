package mailer

// Attachment is a file carried by a message: attached (Attachments) or
// referenced from the HTML by its CID (Inline).
// Data must not change during a send: the mailer encodes each distinct
// Data slice once and reuses the encoding for every message.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
	CID         string // inline only: the Content-ID the HTML refers to as cid:...
}

// Content is one member's message content, produced by the caller (the
// newsletter renderer). The mailer adds the headers and the MIME tree.
type Content struct {
	Subject string
	HTML    string
	Text    string
	// HTMLParts and TextParts, when set, stand for HTML and Text in
	// pieces that join to them: even pieces are the same strings in every
	// member's copy of a send, so the mailer encodes them once; odd pieces
	// are the member's own. See newsletter.Parts.
	HTMLParts, TextParts []string
	Attachments          []Attachment
	Inline               []Attachment
	UnsubscribeURL       string // https one-click URL for List-Unsubscribe
	// UnsubscribeMailto, when set, is the member's own mailto: URI for
	// List-Unsubscribe, in place of MessageSpec.UnsubscribeMailto.
	UnsubscribeMailto string
}
