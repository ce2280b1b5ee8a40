package newsletter

import (
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"sync"
	texttemplate "text/template"

	"github.com/microcosm-cc/bluemonday"

	"github.com/foliopress/folio/templates"
)

// Errors of New and Edition.
var (
	ErrTemplate      = errors.New("newsletter: template")
	ErrOption        = errors.New("newsletter: bad option")
	ErrNoUnsubscribe = errors.New("newsletter: the email template shows no unsubscribe link")
	ErrNoManage      = errors.New("newsletter: the email template shows no link to the member's delivery page (.Member.ManageURL)")
	ErrNoAddress     = errors.New("newsletter: the email template shows no postal address (.Address)")
	ErrEmptyIssue    = errors.New("newsletter: the issue has no reviews")
)

// Options configure a Renderer.
type Options struct {
	// Templates holds the template files (templates.FS(), or an Overlay of
	// it with the editor's folder); nil means the embedded templates.
	Templates fs.FS
	// Images is "url" (the default: absolute URLs under the magazine's
	// base URL) or "embed" (photos travel inline, referenced by cid:).
	Images string
	// Preheader overrides the hidden inbox preview line; empty means the
	// lead review's deck.
	Preheader string
	// Address is the magazine's postal address ([magazine] address),
	// which every email must then show.
	Address string
	// ExcerptChars is the excerpt length in characters; 0 means 280.
	ExcerptChars int
	// DeferCheck leaves the sample render that proves the templates to
	// Check, which the first Edition runs if nobody did: for a caller
	// that renders an edition at once (folio build) and checks while it
	// does other work, instead of before. With the embedded templates
	// (Templates nil) Edition does not wait for it: the package's tests
	// render them through the sample in every mode, so only templates
	// from elsewhere have anything for it to find.
	DeferCheck bool
}

// Renderer holds the parsed templates; it is safe for concurrent use.
type Renderer struct {
	opts     Options
	mode     imageMode
	email    *htmltemplate.Template // "email" and its parts
	text     *texttemplate.Template // "text", "subject" and their parts
	web      *htmltemplate.Template // "web" and its parts
	personal personalTemplates
	policy   *bluemonday.Policy
	check    func() error // selfTest, run once
	proven   bool         // Edition need not wait for check (DeferCheck)
}

// personalTemplates are the per-member parts, looked up once.
type personalTemplates struct {
	html [3]*htmltemplate.Template
	text [3]*texttemplate.Template
}

// personalNames are the per-member templates, in slot order.
func personalNames() [3]string { return [3]string{"greeting", "membership", "pdf"} }

// The files of each template set; every file must exist.
func emailFiles() []string {
	return []string{"email/layout.html", "email/card.html", "email/styles.html", "email/personal.html"}
}
func textFiles() []string {
	return []string{"email/text.txt", "email/card.txt", "email/personal.txt", "email/subject.txt"}
}
func webFiles() []string { return []string{"web/page.html", "web/article.html", "web/styles.html"} }

// New parses every template once and proves them by rendering a small
// sample issue (unless opts.DeferCheck), so a missing or broken template
// fails here, naming it, rather than at send time.
func New(opts Options) (*Renderer, error) {
	embedded := opts.Templates == nil
	if embedded {
		opts.Templates = templates.FS()
	}
	if opts.ExcerptChars <= 0 {
		opts.ExcerptChars = 280
	}
	r := &Renderer{opts: opts, policy: bodyPolicy()}
	switch opts.Images {
	case "", "url":
		r.mode = imagesURL
	case "embed":
		r.mode = imagesEmbed
	default:
		return nil, fmt.Errorf("%w: images = %q (want url or embed)", ErrOption, opts.Images)
	}
	var err error
	if r.email, err = parseHTML(opts.Templates, "email-set", emailFiles(), "email", "greeting", "membership", "pdf"); err != nil {
		return nil, err
	}
	if r.text, err = parseText(opts.Templates, textFiles(), "text", "subject", "greeting", "membership", "pdf"); err != nil {
		return nil, err
	}
	if r.web, err = parseHTML(opts.Templates, "web-set", webFiles(), "web"); err != nil {
		return nil, err
	}
	for i, name := range personalNames() {
		r.personal.html[i] = r.email.Lookup(name)
		r.personal.text[i] = r.text.Lookup(name)
	}
	r.check = sync.OnceValue(r.selfTest)
	r.proven = opts.DeferCheck && embedded
	if !opts.DeferCheck {
		if err := r.check(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Check renders a small sample issue through every template, once (later
// calls, and Edition, return its result), so that a template that parses
// but fails when run is caught before any member's email is rendered.
func (r *Renderer) Check() error { return r.check() }

func parseHTML(fsys fs.FS, set string, files []string, required ...string) (*htmltemplate.Template, error) {
	t := htmltemplate.New(set).Funcs(htmlFuncs())
	for _, f := range files {
		src, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("%w %s: %w", ErrTemplate, f, err)
		}
		if _, err := t.New(f).Parse(string(src)); err != nil {
			return nil, fmt.Errorf("%w %s: %w", ErrTemplate, f, err)
		}
	}
	for _, name := range required {
		if t.Lookup(name) == nil {
			return nil, fmt.Errorf("%w: no template defines %q (files %v)", ErrTemplate, name, files)
		}
	}
	return t, nil
}

func parseText(fsys fs.FS, files []string, required ...string) (*texttemplate.Template, error) {
	t := texttemplate.New("text-set").Funcs(textFuncs())
	for _, f := range files {
		src, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("%w %s: %w", ErrTemplate, f, err)
		}
		if _, err := t.New(f).Parse(string(src)); err != nil {
			return nil, fmt.Errorf("%w %s: %w", ErrTemplate, f, err)
		}
	}
	for _, name := range required {
		if t.Lookup(name) == nil {
			return nil, fmt.Errorf("%w: no template defines %q (files %v)", ErrTemplate, name, files)
		}
	}
	return t, nil
}
