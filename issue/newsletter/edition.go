package newsletter

import (
	"fmt"
	"html"
	"html/template"
	"mime"
	"path/filepath"
	"strings"

	"github.com/vanng822/go-premailer/premailer"

	"github.com/foliopress/folio/issue"
)

// Edition is an issue rendered for everyone: build it once per issue, then
// call Render for each member. It is immutable and safe for concurrent use.
type Edition struct {
	r         *Renderer
	iss       *issue.Issue
	subject   string
	preheader string
	html      split
	text      split
	inline    []Image
}

// Image is a photo that travels inside the message (Images = "embed"):
// attach the file at Path with Content-ID CID under the file name Name,
// scaled to Width pixels wide when Width is not 0 (a JPEG then).
type Image struct {
	CID         string
	Name        string
	ContentType string
	Path        string
	Width       int
}

// Edition renders what every member shares: the subject, the review cards
// and the email with its CSS inlined (once, here). The templates are
// checked first (Check), if New left that for later and they are not
// the embedded ones.
func (r *Renderer) Edition(iss *issue.Issue) (*Edition, error) {
	if !r.proven {
		if err := r.check(); err != nil {
			return nil, err
		}
	}
	return r.edition(iss)
}

// edition is Edition without the check, which itself renders one.
func (r *Renderer) edition(iss *issue.Issue) (*Edition, error) {
	if iss == nil || iss.Empty() {
		return nil, ErrEmptyIssue
	}
	ph, err := newPlaceholders()
	if err != nil {
		return nil, err
	}
	b := viewBuilder{iss: iss, mode: r.mode, excerpt: r.opts.ExcerptChars, width: emailImageWidth, base: ph.token(slotIssueURL)}
	v, err := b.issueView(true, nil)
	if err != nil {
		return nil, err
	}
	e := &Edition{r: r, iss: iss}
	e.preheader = r.preheader(iss, v)
	v.Preheader = e.preheader
	v.Address = oneLine(r.opts.Address)
	var sb strings.Builder
	if err := r.text.ExecuteTemplate(&sb, "subject", v); err != nil {
		return nil, fmt.Errorf("%w subject: %w", ErrTemplate, err)
	}
	e.subject = oneLine(sb.String())
	v.Subject = e.subject
	v.Member = ph.member()

	sb.Reset()
	if err := r.email.ExecuteTemplate(&sb, "email", v); err != nil {
		return nil, fmt.Errorf("%w email: %w", ErrTemplate, err)
	}
	inlined, err := inlineCSS(sb.String())
	if err != nil {
		return nil, err
	}
	if e.html, err = ph.split(inlined); err != nil {
		return nil, err
	}
	if !e.html.has(slotUnsubscribe) {
		return nil, ErrNoUnsubscribe
	}
	if !e.html.has(slotManage) {
		return nil, ErrNoManage
	}
	if a := v.Address; a != "" && !e.html.shows(html.EscapeString(a)) {
		return nil, ErrNoAddress
	}

	sb.Reset()
	if err := r.text.ExecuteTemplate(&sb, "text", v); err != nil {
		return nil, fmt.Errorf("%w text: %w", ErrTemplate, err)
	}
	if e.text, err = ph.split(tidyText(sb.String())); err != nil {
		return nil, err
	}
	if !e.text.has(slotUnsubscribe) {
		return nil, fmt.Errorf("%w (plain text)", ErrNoUnsubscribe)
	}
	if !e.text.has(slotManage) {
		return nil, fmt.Errorf("%w (plain text)", ErrNoManage)
	}
	if a := v.Address; a != "" && !e.text.shows(a) {
		return nil, fmt.Errorf("%w (plain text)", ErrNoAddress)
	}
	if r.mode == imagesEmbed {
		e.inline = e.Photos()
	}
	return e, nil
}

// emailImageWidth is a photo's width in the email: the lead spans the
// 600 px frame, card photos sit in a 184 px column.
func emailImageWidth(lead bool) int {
	if lead {
		return 600
	}
	return 184
}

// EmailPhoto is the file the email shows r's photo from, under the
// issue's images folder, and the width it is scaled to: twice its slot's
// (sharp on a high-density screen), or 0 when the original is no wider
// than that and goes as it is. A 1200 px original in a 184 px card would
// cost a reader eleven times the bytes it shows.
func EmailPhoto(iss *issue.Issue, r *issue.Review) (name string, width int) {
	want := 2 * emailImageWidth(r == iss.Lead())
	if r.Photo == nil || r.Photo.Width <= want {
		return issue.PhotoFile(r), 0
	}
	return issue.PhotoFileAt(r, want), want
}

// preheader is the inbox preview line: the option, else the lead's deck,
// else the lead's excerpt.
func (r *Renderer) preheader(iss *issue.Issue, v *IssueView) string {
	if p := oneLine(r.opts.Preheader); p != "" {
		return p
	}
	lead := v.Lead
	if lead == nil {
		return ""
	}
	if lead.Deck != "" {
		return oneLine(lead.Deck)
	}
	return truncate(oneLine(lead.Excerpt), 140)
}

// inlineCSS moves the stylesheet into style attributes; rules that cannot
// be inlined (@media, :root) stay in a <style> element.
func inlineCSS(doc string) (string, error) {
	pm, err := premailer.NewPremailerFromString(doc, premailer.NewOptions())
	if err != nil {
		return "", fmt.Errorf("newsletter: inline CSS: %w", err)
	}
	out, err := pm.Transform()
	if err != nil {
		return "", fmt.Errorf("newsletter: inline CSS: %w", err)
	}
	return out, nil
}

// tidyText trims trailing spaces and keeps at most one blank line in a row.
func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := true // drops leading blank lines too
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\r")
		if l == "" {
			if blank {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n")) + "\n"
}

// oneLine collapses all white space, line breaks included, to single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Subject is the Subject line: the magazine, the issue number and the lead
// review's title, on one line.
func (e *Edition) Subject() string { return e.subject }

// Preheader is the hidden inbox preview line of the email.
func (e *Edition) Preheader() string { return e.preheader }

// Photos lists every review photo with the name it is published under;
// the build copies them to the web version's images folder.
func (e *Edition) Photos() []Image {
	var out []Image
	for _, r := range e.iss.Reviews() {
		if r.Photo == nil {
			continue
		}
		name, width := EmailPhoto(e.iss, r)
		ct := "image/jpeg"
		if width > 0 {
			// scaled: a JPEG
		} else if r.Photo.Format == "png" {
			ct = "image/png"
		} else if t := mime.TypeByExtension(filepath.Ext(r.Photo.Path)); t != "" && r.Photo.Format == "" {
			ct = t
		}
		out = append(out, Image{CID: contentID(r), Name: name, ContentType: ct, Path: r.Photo.Path, Width: width})
	}
	return out
}

func asHTML(s string) template.HTML { return template.HTML(s) }
