package newsletter

import (
	"fmt"
	"html/template"
	"net/url"

	"github.com/foliopress/folio/issue"
)

// IssueView is what the email, text and web templates receive.
type IssueView struct {
	Magazine  string
	Number    int
	DateLabel string // "Week of March 2, 2026"
	IssueID   string // "2026-W10"
	Year      int
	Subject   string
	Preheader string
	// Address is the magazine's postal address, shown in every email's
	// footer (CAN-SPAM, CASL); empty when none is configured.
	Address string
	WebURL  string
	PDFURL  string
	// Count is the number of reviews in the issue; SectionNames the names
	// of the sections that have any, in issue order.
	Count        int
	SectionNames []string
	// Lead is the lead review. In the email it is left out of Sections so
	// that it is shown once; on the web page Sections hold every review.
	Lead     *CardView
	Sections []SectionView
	// Member holds the per-member fields of the email; see MemberView.
	Member MemberView
}

// SectionView is one section and its reviews.
type SectionView struct {
	Name  string
	Cards []CardView
}

// CardView is one review as the templates show it.
type CardView struct {
	Slug        string
	Section     string
	Title       string
	Deck        string
	Byline      string
	Certificate string
	Opens       string
	// OpensLabel names the Opens line for the section: "Opens", "Out",
	// "Published" (issue.Issue.OpensLabel).
	OpensLabel string
	Pullquote  string
	Credits    []issue.Credit
	// HasRating is false for an unrated review; Stars is "★★★½☆",
	// RatingText "3.5/5" and RatingLabel "★★★½☆ (3.5/5)".
	HasRating   bool
	Stars       string
	RatingText  string
	RatingLabel string
	// Excerpt is a short plain-text opening of the body; ExcerptHTML is
	// the same with struck-through words in <s> and emphasis kept, and
	// ExcerptText the same for the plain-text part, struck-through words
	// between "~~".
	Excerpt     string
	ExcerptHTML template.HTML
	ExcerptText string
	// URL is the review on the web version; PDFURL the issue's PDF.
	URL    string
	PDFURL string
	Image  *PictureView
	// Body is the whole review as sanitized HTML; set on the web page only.
	Body template.HTML
}

// PictureView is a review photo: Src is an absolute http(s) URL, a cid:
// reference or a relative path, already checked.
type PictureView struct {
	Src     template.URL
	Alt     string
	Width   int
	Height  int
	Caption string
	Credit  string
}

// MemberView holds the personal fields of the email layouts. During the
// once-per-issue render they are placeholders that Edition.Render fills
// in, so layouts may print them but must not test or transform them.
type MemberView struct {
	// Greeting, Membership and PDF are the output of the personal
	// templates of the same name.
	Greeting   template.HTML
	Membership template.HTML
	PDF        template.HTML
	// Name, Email and Tier are the member's, escaped.
	Name, Email, Tier string
	// UnsubscribeURL is required; ArchiveURL and PDFURL may be empty, so
	// use them only inside the personal templates.
	UnsubscribeURL, ArchiveURL, PDFURL string
	// ManageURL is the member's "manage your delivery" page; every email
	// links it.
	ManageURL string
}

// RecipientView is what the personal templates ("greeting", "membership",
// "pdf") receive for each member.
type RecipientView struct {
	Name           string
	Email          string
	Tier           string // as stored, e.g. "patron"
	TierLabel      string // capitalised for display, e.g. "Patron"
	ArchiveURL     string
	UnsubscribeURL string
	ManageURL      string
	PDFURL         string
	PDFAttached    bool
	// EPUB is set when the EPUB edition is attached instead of the PDF.
	EPUB     bool
	Magazine string
	Number   int

	issueURL string // fills slotIssueURL: the links into the issue start with it
}

// imageMode says how photos are referenced.
type imageMode int

const (
	imagesURL imageMode = iota
	imagesEmbed
	imagesRelative
)

// viewBuilder turns an issue into views.
type viewBuilder struct {
	iss     *issue.Issue
	mode    imageMode
	width   func(lead bool) int
	excerpt int
	// base starts every link into the issue (web version, reviews, PDF):
	// in the email a member slot, filled with the member's own signed
	// address; on the web page "" (relative, so the page works under
	// whatever address serves it).
	base string
}

// webURL is the issue's web version, pdfURL its PDF, as links from the
// document being built.
func (b viewBuilder) webURL() string {
	if b.base == "" {
		return "./"
	}
	return b.base
}

func (b viewBuilder) pdfURL() string { return b.base + issue.PDFFile }

func (b viewBuilder) card(r *issue.Review, lead bool) (CardView, error) {
	ex := excerptOf(r.Body, b.excerpt)
	c := CardView{
		Slug:        r.Slug,
		Section:     r.Section,
		Title:       r.Title,
		Deck:        r.Deck,
		Byline:      r.Byline,
		Certificate: r.Certificate,
		Opens:       r.Opens,
		OpensLabel:  b.iss.OpensLabel(r.Section),
		Pullquote:   r.Pullquote,
		Credits:     r.Credits,
		Excerpt:     ex.plain(),
		ExcerptHTML: ex.html(),
		ExcerptText: ex.markedText(),
		URL:         b.base + (&url.URL{Fragment: r.Slug}).String(),
		PDFURL:      b.pdfURL(),
	}
	if r.Rating != nil {
		c.HasRating = true
		c.Stars = r.Rating.Stars()
		c.RatingText = fmt.Sprintf("%s/%d", r.Rating, issue.MaxStars)
		c.RatingLabel = r.Rating.Label()
	}
	if r.Photo != nil {
		p, err := b.picture(r, lead)
		if err != nil {
			return CardView{}, err
		}
		c.Image = p
	}
	return c, nil
}

func (b viewBuilder) picture(r *issue.Review, lead bool) (*PictureView, error) {
	ph := r.Photo
	p := &PictureView{Alt: ph.AltText(r.Title), Caption: ph.Caption, Credit: ph.Credit}
	switch b.mode {
	case imagesEmbed:
		p.Src = template.URL("cid:" + url.PathEscape(contentID(r)))
	case imagesRelative:
		p.Src = template.URL(issue.ImagesDir + "/" + url.PathEscape(issue.PhotoFile(r)))
	default:
		name, _ := EmailPhoto(b.iss, r)
		u, err := checkURL(b.iss.ImageURL(name), false)
		if err != nil {
			return nil, fmt.Errorf("newsletter: photo of %s: %w", r.Slug, err)
		}
		p.Src = template.URL(u)
	}
	p.Width = b.width(lead)
	switch {
	case b.mode == imagesRelative && ph.Width > 0 && ph.Height > 0:
		// The page scales photos with CSS; give their true size.
		p.Width, p.Height = ph.Width, ph.Height
	case ph.Width > 0 && ph.Height > 0:
		p.Height = (p.Width*ph.Height + ph.Width/2) / ph.Width
	default:
		p.Height = p.Width * 2 / 3
	}
	return p, nil
}

// contentID is the Content-ID of a review's photo in embed mode; it is the
// photo's published file name, which is unique within an issue.
func contentID(r *issue.Review) string { return issue.PhotoFile(r) }

// issueView builds the view shared by every template. withLead moves the
// lead review out of the sections (the email shows it first, once).
func (b viewBuilder) issueView(withLead bool, body func(*issue.Review) (template.HTML, error)) (*IssueView, error) {
	iss := b.iss
	v := &IssueView{
		Magazine:  iss.Magazine,
		Number:    iss.Number,
		DateLabel: iss.DateLabel(),
		IssueID:   iss.ID(),
		Year:      iss.Date.Year(),
		WebURL:    b.webURL(),
		PDFURL:    b.pdfURL(),
	}
	lead := iss.Lead()
	for _, s := range iss.Sections {
		sv := SectionView{Name: s.Name}
		for _, r := range s.Reviews {
			v.Count++
			isLead := withLead && r == lead
			c, err := b.card(r, isLead)
			if err != nil {
				return nil, err
			}
			if body != nil {
				if c.Body, err = body(r); err != nil {
					return nil, err
				}
			}
			if isLead {
				v.Lead = &c
				continue
			}
			sv.Cards = append(sv.Cards, c)
		}
		if len(s.Reviews) > 0 {
			v.SectionNames = append(v.SectionNames, s.Name)
		}
		if len(sv.Cards) > 0 {
			v.Sections = append(v.Sections, sv)
		}
	}
	return v, nil
}
