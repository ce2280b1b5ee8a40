package main

import (
	"fmt"

	"github.com/foliopress/folio/internal/config"
	"github.com/foliopress/folio/internal/publish"
	"github.com/foliopress/folio/issue/feed"
	"github.com/foliopress/folio/issue/fetch"
	"github.com/foliopress/folio/issue/ghost"
	"github.com/foliopress/folio/issue/markdown"
	"github.com/foliopress/folio/issue/post"
	"github.com/foliopress/folio/issue/wordpress"
)

// envGhostKey holds the Ghost Content API key: a key, so never in the config.
const envGhostKey = "FOLIO_GHOST_CONTENT_KEY"

// source wires [content]: the review files, each of the site's sources,
// or both filling one issue. getenv reads the environment.
func source(cfg *config.Config, getenv func(string) string) (publish.Source, error) {
	var list []publish.Source
	limits := markdown.Limits{
		ReviewBytes: int64(cfg.Content.MaxReviewKB) << 10,
		PhotoBytes:  int64(cfg.Content.MaxPhotoMB) << 20,
		PhotoPixels: int64(cfg.Content.MaxPhotoMegapixels) * 1_000_000,
	}
	if cfg.Content.Dir != "" {
		list = append(list, markdown.NewSource(cfg.Content.Dir, cfg.Location, cfg.Content.Sections).WithLimits(limits))
	}
	sites := cfg.Content.AllSources()
	if len(sites) > 0 {
		client, err := fetch.New(fetch.Options{CacheDir: cfg.Content.CacheDir})
		if err != nil {
			return nil, fmt.Errorf("config: [content] cache_dir: %w", err)
		}
		rules := post.Rules{Sections: cfg.Content.Sections, SectionsMap: cfg.Content.SectionsMap, Location: cfg.Location}
		for _, r := range cfg.Content.RatingRules {
			rule, err := post.NewRatingRule(r)
			if err != nil {
				return nil, fmt.Errorf("config: [content] rating_rules: %w", err)
			}
			rules.Ratings = append(rules.Ratings, rule)
		}
		for _, s := range sites {
			var l post.Lister
			switch s.Type {
			case config.SourceWordPress:
				l = wordpress.New(s.URL, client, s.AllowPrivate, cfg.Location)
			case config.SourceGhost:
				key := getenv(envGhostKey)
				if key == "" {
					return nil, fmt.Errorf("%s is not set: the Ghost source %s needs its Content API key", envGhostKey, s.URL)
				}
				l = ghost.New(s.URL, key, client, s.AllowPrivate)
			case config.SourceRSS:
				l = feed.New(s.URL, feed.RSS, client, s.AllowPrivate)
			case config.SourceAtom:
				l = feed.New(s.URL, feed.Atom, client, s.AllowPrivate)
			case config.SourceJSONFeed:
				l = feed.New(s.URL, feed.JSONFeed, client, s.AllowPrivate)
			default:
				l = feed.New(s.URL, feed.Any, client, s.AllowPrivate)
			}
			// Feed photos obey the limits review files' photos do.
			ps := post.NewSource(s.URL, l, client, s.AllowPrivate, rules, limits.CheckPhoto)
			ps.MaxPhotoBytes = limits.PhotoBytes
			list = append(list, ps)
		}
	}
	if len(list) == 1 {
		return list[0], nil
	}
	return publish.Sources{List: list, Sections: cfg.Content.Sections}, nil
}
