package newsletter

import (
	"bytes"
	"fmt"
	"html/template"

	"github.com/foliopress/folio/issue"
)

// WebPage is the issue as a standalone responsive page: every review in
// full, photos referenced as images/{issue.PhotoFile} beside the page (see
// Photos). It is the same for every reader.
func (e *Edition) WebPage() ([]byte, error) {
	b := viewBuilder{iss: e.iss, mode: imagesRelative, excerpt: e.r.opts.ExcerptChars, width: webImageWidth}
	v, err := b.issueView(false, func(r *issue.Review) (template.HTML, error) {
		return sanitizeBody(e.r.policy, r.Body), nil
	})
	if err != nil {
		return nil, err
	}
	v.Subject, v.Preheader = e.subject, e.preheader
	if lead := e.iss.Lead(); lead != nil {
		for _, s := range v.Sections {
			for i := range s.Cards {
				if s.Cards[i].Slug == lead.Slug {
					v.Lead = &s.Cards[i]
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := e.r.web.ExecuteTemplate(&buf, "web", v); err != nil {
		return nil, fmt.Errorf("%w web: %w", ErrTemplate, err)
	}
	return buf.Bytes(), nil
}

// webImageWidth is the intrinsic width given to photos on the web page;
// CSS scales them to the column.
func webImageWidth(bool) int { return 736 }
