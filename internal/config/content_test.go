package config

import (
	"errors"
	"strings"
	"testing"
)

func TestContentSources(t *testing.T) {
	cfg, err := Parse("/srv/folio/folio.toml", []byte(minimal+`
[content]
dir = ""
sections = ["Film", "Stage"]
feeds = ["https://mag.example.org/feed/"]
rating_rules = ['Verdict: (?P<rating>\d)/(?P<scale>10)']

[[content.source]]
type = "wordpress"
url = "https://mag.example.org"

[[content.source]]
type = "atom"
url = "http://127.0.0.1:8080/atom.xml"
allow_private = true

[content.sections_map]
Movies = "Film"
Theatre = "Stage"

[content.opens_labels]
Stage = "Curtain up"
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	all := cfg.Content.AllSources()
	if len(all) != 3 || all[0].Type != SourceWordPress || !all[1].AllowPrivate || all[2] != (Source{Type: SourceFeed, URL: "https://mag.example.org/feed/"}) {
		t.Errorf("sources %+v", all)
	}
	if cfg.Content.Dir != "" || cfg.Content.CacheDir != "/srv/folio/cache" || cfg.Content.SectionsMap["Movies"] != "Film" ||
		cfg.Content.OpensLabels["Stage"] != "Curtain up" {
		t.Errorf("content %+v", cfg.Content)
	}
}

func TestContentErrors(t *testing.T) {
	tests := []struct{ body, want string }{
		{"[[content.source]]\nurl = \"https://m.example/feed/\"", "[[content.source]] 1: type is required"},
		{"[[content.source]]\ntype = \"medium\"\nurl = \"https://m.example/\"", `[[content.source]] 1: type "medium": want rss, atom, jsonfeed, wordpress or ghost`},
		{"[[content.source]]\ntype = \"rss\"\nurl = \"ftp://m.example/feed\"", "[[content.source]] 1: url: \"ftp://m.example/feed\": want an absolute http(s) URL"},
		{"[[content.source]]\ntype = \"rss\"\nurl = \"https://m.example/feed\"\nallow_privat = true", "unknown key content.source.allow_privat"},
		{"[content]\nfeeds = [\"/feed/\"]", "[content] feeds[0]: \"/feed/\": want an absolute http(s) URL"},
		{"[content]\nsections = [\"Film\"]\n[content.sections_map]\nMovies = \"Cinema\"", `[content.sections_map] "Movies" = "Cinema": "Cinema" is not one of [content] sections (Film)`},
		{"[content]\nsections = [\"Film\"]\n[content.opens_labels]\nBooks = \"Out\"", `[content.opens_labels] "Books": not one of [content] sections (Film)`},
		{"[content.opens_labels]\nBooks = \" \"", `[content.opens_labels] "Books" = " ": sections and labels must not be empty`},
		{"[content]\nrating_rules = ['(\\d)/5']", "[content] rating_rules[0] \"(\\\\d)/5\": want a group named rating"},
		{"[content]\nrating_rules = ['(?P<rating>']", "[content] rating_rules[0]: error parsing regexp"},
		{"[content]\ndir = \"\"", "[content]: no dir and no sources"},
	}
	for _, tc := range tests {
		_, err := Parse("/x/folio.toml", []byte(minimal+tc.body), nil)
		if !errors.Is(err, ErrInvalid) && !strings.Contains(tc.want, "unknown key") || err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.body, err, tc.want)
		}
	}
	// A list of tables cannot come from the environment: an error, not a panic.
	_, err := Parse("/x/folio.toml", []byte(minimal), []string{"FOLIO_CONTENT_SOURCE=https://m.example/feed/"})
	if err == nil || !strings.Contains(err.Error(), "FOLIO_CONTENT_SOURCE") {
		t.Errorf("env source: %v", err)
	}
	cfg, err := Parse("/x/folio.toml", []byte(minimal), []string{"FOLIO_CONTENT_FEEDS=https://a.example/feed/, https://b.example/atom.xml"})
	if err != nil || len(cfg.Content.AllSources()) != 2 {
		t.Errorf("env feeds: %v", err)
	}
}
