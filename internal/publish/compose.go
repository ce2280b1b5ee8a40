package publish

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/newsletter"
	"github.com/foliopress/folio/mailer"
)

// Linker makes a member's personal signed links.
type Linker interface {
	Unsubscribe(m member.Member) string
	Archive(m member.Member) string
}

// MemberLinker is a Linker that also makes the member's "manage your
// delivery" link and their own List-Unsubscribe mailto address
// (*links.Links is one); a Composer uses them when its Linker has them.
type MemberLinker interface {
	Manage(m member.Member) string
	UnsubscribeMailto(m member.Member) string
}

// Composer personalises a built issue for each member: it is the seam
// between the newsletter renderer and the mailer.
type Composer struct {
	Built *Built
	Links Linker
	// AttachMaxBytes is the largest PDF attached by default; members above
	// it get a download link instead. Zero attaches always.
	AttachMaxBytes int
	// PublicIssues links the public /issues/{week}/ from the email; by
	// default each member's links into the issue are their own signed
	// archive address, as only members may read an issue.
	PublicIssues bool

	inlineOnce sync.Once
	inline     map[string][]byte // CID → image bytes, read once per issue
	inlineErr  error
}

// Compose implements delivery.Composer.
func (c *Composer) Compose(_ context.Context, m member.Member) (*mailer.Content, error) {
	rc := newsletter.Recipient{
		Name:           m.Name,
		Email:          m.Email,
		Tier:           m.Tier,
		ArchiveURL:     c.Links.Archive(m),
		UnsubscribeURL: c.Links.Unsubscribe(m),
	}
	ml, personal := c.Links.(MemberLinker)
	if personal {
		rc.ManageURL = ml.Manage(m)
	}
	// The member's own address of the issue: the server checks the token
	// and that the issue is in their archive before serving it.
	own := strings.TrimRight(rc.ArchiveURL, "/") + "/" + c.Built.Issue.ID() + "/"
	if !c.PublicIssues {
		rc.IssueURL = own
	}
	attachEPUB := m.DeliverPDF == member.DeliverEPUB && len(c.Built.EPUB) > 0
	attach := !attachEPUB && c.attach(m)
	switch {
	case attachEPUB:
		rc.EPUBAttached = true
	case attach:
		rc.PDFAttached = true
	default:
		rc.PDFURL = own + issue.PDFFile
	}
	// In pieces: the mailer encodes the edition's shared pieces once per
	// send, and only the member's own per message.
	msg, err := c.Built.Edition.RenderParts(rc)
	if err != nil {
		return nil, fmt.Errorf("publish: render for member %d: %w", m.ID, err)
	}
	content := &mailer.Content{
		Subject:        c.Built.Edition.Subject(),
		HTMLParts:      msg.HTML,
		TextParts:      msg.Text,
		UnsubscribeURL: rc.UnsubscribeURL,
	}
	if personal && m.ID != 0 {
		content.UnsubscribeMailto = ml.UnsubscribeMailto(m)
	}
	if attach {
		content.Attachments = append(content.Attachments, mailer.Attachment{
			Name: c.pdfName(), ContentType: "application/pdf", Data: c.Built.PDF,
		})
	}
	if attachEPUB {
		content.Attachments = append(content.Attachments, mailer.Attachment{
			Name: strings.TrimSuffix(c.pdfName(), ".pdf") + ".epub", ContentType: "application/epub+zip", Data: c.Built.EPUB,
		})
	}
	if len(msg.Inline) > 0 {
		c.inlineOnce.Do(func() { c.inline, c.inlineErr = readInline(msg.Inline) })
		if c.inlineErr != nil {
			return nil, c.inlineErr
		}
	}
	for _, img := range msg.Inline {
		content.Inline = append(content.Inline, mailer.Attachment{Name: img.Name, ContentType: img.ContentType, Data: c.inline[img.CID], CID: img.CID})
	}
	return content, nil
}

// readInline reads the edition's inline images once: every member's
// message shares the same bytes. A photo scaled for the email is the copy
// the build made beside it (newsletter.EmailPhoto's name); only an
// edition whose photos are not published (none beside them) scales here.
func readInline(imgs []newsletter.Image) (map[string][]byte, error) {
	out := make(map[string][]byte, len(imgs))
	for _, img := range imgs {
		var data []byte
		var err error
		if img.Width > 0 {
			data, err = os.ReadFile(filepath.Join(filepath.Dir(img.Path), img.Name))
			if errors.Is(err, fs.ErrNotExist) {
				data, err = scalePhoto(img.Path, img.Width)
			}
		} else {
			data, err = os.ReadFile(img.Path)
		}
		if err != nil {
			return nil, fmt.Errorf("publish: inline image: %w", err)
		}
		out[img.CID] = data
	}
	return out, nil
}

// attach decides between the PDF attached and a download link: the
// member's preference first, then the size limit.
func (c *Composer) attach(m member.Member) bool {
	switch m.DeliverPDF {
	case "link":
		return false
	case "attach":
		return true
	}
	return c.AttachMaxBytes == 0 || len(c.Built.PDF) <= c.AttachMaxBytes
}

// pdfName is the attachment's file name, e.g. folio-weekly-2026-W10.pdf.
func (c *Composer) pdfName() string {
	iss := c.Built.Issue
	name := strings.ToLower(strings.Join(strings.FieldsFunc(iss.Magazine, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9')
	}), "-"))
	if name == "" {
		name = "issue"
	}
	return name + "-" + iss.ID() + ".pdf"
}
