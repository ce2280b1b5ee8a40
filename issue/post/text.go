package post

import (
	"html"
	"net/url"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

// plainText reduces a source's text field, which may hold tags and
// entities (WordPress titles and captions do), to plain text.
func plainText(strip *bluemonday.Policy, s string) string {
	if strings.ContainsAny(s, "<&") {
		s = html.UnescapeString(strip.Sanitize(s))
	}
	return strings.Join(strings.Fields(s), " ")
}

// The endings WordPress and its plugins add to an excerpt they made up
// from the first words of the post: such an excerpt is not a deck.
var (
	autoExcerptEnd = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)(\[(…|\.\.\.)\]|…|\.\.\.|continue reading.*|read more.*)$`)
	})
	appearedFirst = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)\s*the post .+ appeared first on .+\.?$`) })
)

// deck is the standfirst: the subtitle, else an excerpt written as one —
// not one cut from the body's first words.
func deck(subtitle, excerpt, bodyText string) string {
	if subtitle != "" {
		return subtitle
	}
	ex := strings.TrimSpace(appearedFirst().ReplaceAllString(excerpt, ""))
	if ex == "" || autoExcerptEnd().MatchString(ex) {
		return ""
	}
	if strings.HasPrefix(collapseSpace(bodyText), ex) {
		return "" // the body's own opening, not a standfirst
	}
	return ex
}

func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// creditRe finds where a caption names the photographer: "Photo: Sony
// Pictures Classics", "(Photograph by Ana Ruiz)", "Courtesy of the artist".
var creditRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(?:^|[\s(\[|—–-])\s*(?:photo(?:graph)?s?\s*:|photo(?:graph)?(?:ed)?\s+by\b|images?\s*:|credit\s*:|courtesy(?:\s+of\b|\s*:))\s*`)
})

// splitCredit separates a caption's credit from its words.
func splitCredit(caption string) (words, credit string) {
	locs := creditRe().FindAllStringIndex(caption, -1)
	if locs == nil {
		return caption, ""
	}
	loc := locs[len(locs)-1]
	credit = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(caption[loc[1]:]), ")]."))
	if credit == "" {
		return caption, ""
	}
	words = strings.TrimRight(strings.TrimSpace(caption[:loc[0]]), " -–—|([")
	return strings.TrimSpace(words), credit
}

// sizeSuffix is WordPress's mark on a resized copy: photo-1024x683.jpg.
var sizeSuffix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`-\d+x\d+(\.[A-Za-z]+)$`) })

// sameImage reports whether two image URLs name one picture, perhaps in
// different sizes.
func sameImage(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	norm := func(u *url.URL) string {
		return u.Host + sizeSuffix().ReplaceAllString(u.Path, "$1")
	}
	return norm(ua) == norm(ub)
}

// slugFrom is the post's slug: the site's own, else the last part of its
// address, else its title.
func slugFrom(p *Post) string {
	if p.Slug != "" {
		return slugify(p.Slug)
	}
	if u, err := url.Parse(p.URL); err == nil && strings.Trim(u.Path, "/") != "" {
		if s := slugify(path.Base(strings.TrimRight(u.Path, "/"))); s != "review" {
			return s
		}
	}
	return slugify(p.Title)
}

// slugify makes a URL-safe name: "Pain & Glory" → "pain-glory".
func slugify(name string) string {
	var sb strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			sb.WriteRune(r)
			dash = false
		case !dash && sb.Len() > 0:
			sb.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(sb.String(), "-")
	if len(s) > 80 {
		s = strings.TrimRight(s[:80], "-")
	}
	if s == "" {
		s = "review"
	}
	return s
}
