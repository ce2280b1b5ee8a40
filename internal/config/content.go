package config

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Source is one [[content.source]] block: a place on the magazine's site
// the week's reviews are read from.
type Source struct {
	// Type is rss, atom, jsonfeed, wordpress or ghost.
	Type string `toml:"type"`
	// URL is the feed's address, or the WordPress site's.
	URL string `toml:"url"`
	// AllowPrivate lets the source be on a private or loopback address.
	AllowPrivate bool `toml:"allow_private"`
}

// Source types.
const (
	SourceRSS       = "rss"
	SourceAtom      = "atom"
	SourceJSONFeed  = "jsonfeed"
	SourceWordPress = "wordpress"
	// SourceGhost is the Ghost Content API; its key comes from the
	// environment (FOLIO_GHOST_CONTENT_KEY).
	SourceGhost = "ghost"
	// SourceFeed is a feed of whichever kind it turns out to be: what
	// [content] feeds lists.
	SourceFeed = "feed"
)

// AllSources is every source of the config: the [[content.source]]
// blocks, then the [content] feeds shorthand.
func (c Content) AllSources() []Source {
	out := slices.Clone(c.Sources)
	for _, f := range c.Feeds {
		out = append(out, Source{Type: SourceFeed, URL: f})
	}
	return out
}

// validate checks the sources, the sections map and the rating
// rules, naming the key of anything wrong.
func (c *Content) validate() error {
	for i, s := range c.Sources {
		key := fmt.Sprintf("[[content.source]] %d", i+1)
		switch s.Type {
		case SourceRSS, SourceAtom, SourceJSONFeed, SourceWordPress, SourceGhost:
		case "":
			return fmt.Errorf("%s: type is required (rss, atom, jsonfeed, wordpress or ghost)", key)
		default:
			return fmt.Errorf("%s: type %q: want rss, atom, jsonfeed, wordpress or ghost", key, s.Type)
		}
		if err := checkSourceURL(s.URL); err != nil {
			return fmt.Errorf("%s: url: %w", key, err)
		}
	}
	for i, f := range c.Feeds {
		if err := checkSourceURL(f); err != nil {
			return fmt.Errorf("[content] feeds[%d]: %w", i, err)
		}
	}
	for cat, sec := range c.SectionsMap {
		if strings.TrimSpace(cat) == "" || strings.TrimSpace(sec) == "" {
			return fmt.Errorf("[content.sections_map] %q = %q: categories and sections must not be empty", cat, sec)
		}
		if len(c.Sections) > 0 && !slices.Contains(c.Sections, sec) {
			return fmt.Errorf("[content.sections_map] %q = %q: %q is not one of [content] sections (%s)", cat, sec, sec, strings.Join(c.Sections, ", "))
		}
	}
	for sec, label := range c.OpensLabels {
		if strings.TrimSpace(sec) == "" || strings.TrimSpace(label) == "" {
			return fmt.Errorf("[content.opens_labels] %q = %q: sections and labels must not be empty", sec, label)
		}
		if len(c.Sections) > 0 && !slices.Contains(c.Sections, sec) {
			return fmt.Errorf("[content.opens_labels] %q: not one of [content] sections (%s)", sec, strings.Join(c.Sections, ", "))
		}
	}
	for i, r := range c.RatingRules {
		re, err := regexp.Compile(r)
		if err != nil {
			return fmt.Errorf("[content] rating_rules[%d]: %w", i, err)
		}
		if re.SubexpIndex("rating") < 0 {
			return fmt.Errorf("[content] rating_rules[%d] %q: want a group named rating, as in (?P<rating>[0-9.]+)", i, r)
		}
	}
	if c.Dir == "" && len(c.Sources) == 0 && len(c.Feeds) == 0 {
		return errors.New("[content]: no dir and no sources: nothing to collect reviews from")
	}
	return nil
}

func checkSourceURL(raw string) error {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q: want an absolute http(s) URL", raw)
	}
	return nil
}
