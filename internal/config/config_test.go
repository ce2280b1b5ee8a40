package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const minimal = `
[magazine]
name = "Folio Weekly"
timezone = "America/New_York"
base_url = "https://weekly.example.org/"
[delivery]
from = "Folio Weekly <issues@weekly.example.org>"
`

func TestParseDefaultsAndPaths(t *testing.T) {
	cfg, err := Parse("/srv/folio/folio.toml", []byte(minimal), nil)
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string][2]string{
		"content.dir":  {cfg.Content.Dir, "/srv/folio/reviews"},
		"store.path":   {cfg.Store.Path, "/srv/folio/folio.db"},
		"outbox":       {cfg.Delivery.Outbox, "/srv/folio/outbox"},
		"out_dir":      {cfg.Build.OutDir, "/srv/folio/issues"},
		"base_url":     {cfg.Magazine.BaseURL, "https://weekly.example.org"},
		"cron default": {cfg.Schedule.Cron, "CRON_TZ=America/New_York 0 7 * * FRI"},
		"tls":          {cfg.SMTP.TLS, "starttls"},
		"location":     {cfg.Location.String(), "America/New_York"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	if cfg.SMTP.Port != 587 || cfg.Delivery.Workers != 4 {
		t.Errorf("port %d workers %d", cfg.SMTP.Port, cfg.Delivery.Workers)
	}
}

func TestEnvOverrides(t *testing.T) {
	env := []string{
		"FOLIO_SMTP_PASSWORD=s3cret", "FOLIO_SMTP_PORT=2525", "FOLIO_MAGAZINE_BASE_URL=https://mag.example.net",
		"FOLIO_CONTENT_SECTIONS=Film, Stage", "FOLIO_DELIVERY_RATE=2.5", "FOLIO_SECRET=ignored", "HOME=/root",
	}
	cfg, err := Parse("/x/folio.toml", []byte(minimal), env)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SMTP.Password != "s3cret" || cfg.SMTP.Port != 2525 || cfg.Magazine.BaseURL != "https://mag.example.net" ||
		strings.Join(cfg.Content.Sections, "|") != "Film|Stage" || cfg.Delivery.Rate != 2.5 {
		t.Errorf("overrides not applied: %+v %+v", cfg.SMTP, cfg.Content)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		toml string
		env  []string
		want string
	}{
		{"unknown key", minimal + "[smtp]\nhots = \"x\"\n", nil, "unknown key smtp.hots"},
		{"unknown section", minimal + "[smpt]\nhost = \"x\"\n", nil, "unknown key smpt"},
		{"bad tls", minimal + "[smtp]\ntls = \"ssl\"\n", nil, `[smtp] tls "ssl"`},
		{"bad port type", minimal + "[smtp]\nport = \"x\"\n", nil, "port"},
		{"missing name", strings.Replace(minimal, `name = "Folio Weekly"`, "", 1), nil, "[magazine] name is required"},
		{"missing from", strings.Replace(minimal, `from = "Folio Weekly <issues@weekly.example.org>"`, "", 1), nil, "[delivery] from is required"},
		{"bad from", strings.Replace(minimal, `<issues@weekly.example.org>`, "<nope>", 1), nil, "[delivery] from"},
		{"bad timezone", strings.Replace(minimal, "America/New_York", "Mars/Olympus", 1), nil, "[magazine] timezone"},
		{"relative base", strings.Replace(minimal, "https://weekly.example.org/", "weekly.example.org", 1), nil, "[magazine] base_url"},
		{"bad duration", minimal + "[schedule]\ncatch_up = \"two days\"\n", nil, "[schedule] catch_up"},
		{"env unknown key", minimal, []string{"FOLIO_SMTP_PASWORD=x"}, `FOLIO_SMTP_PASWORD: [smtp] has no key "pasword"`},
		{"env bad int", minimal, []string{"FOLIO_SMTP_PORT=abc"}, "FOLIO_SMTP_PORT"},
		{"syntax", "[magazine\n", nil, "folio.toml"},
		{"relay without address", minimal, []string{"FOLIO_SMTP_HOST=relay.example.net"}, "[magazine] address is required once [smtp] host is set"},
		{"bad bounce domain", minimal + "[bounces]\ndomain = \"bounces@example.org\"\n", nil, "[bounces] domain"},
		{"soft limit", minimal + "[bounces]\nsoft_limit = 0\n", nil, "[bounces] soft_limit"},
		{"half TLS", minimal + "[inbound]\ntls_cert = \"c.pem\"\n", nil, "[inbound] tls_cert and tls_key go together"},
		{"password in the file", minimal + "[smtp]\npassword = \"hunter2\"\n", nil, "set the environment variable FOLIO_SMTP_PASSWORD"},
		{"bad reply_to", strings.Replace(minimal, "[delivery]\n", "[delivery]\nreply_to = \"letters at example\"\n", 1), nil, `[delivery] reply_to "letters at example"`},
		{"two reply_to", strings.Replace(minimal, "[delivery]\n", "[delivery]\nreply_to = \"a@example.org, b@example.org\"\n", 1), nil, "[delivery] reply_to"},
		{"bad first_issue", strings.Replace(minimal, "[delivery]\n", "[delivery]\n", 1) + "", []string{"FOLIO_MAGAZINE_FIRST_ISSUE=2019-41"}, `[magazine] first_issue "2019-41"`},
		{"first_issue week 54", minimal, []string{"FOLIO_MAGAZINE_FIRST_ISSUE=2019-W54"}, "[magazine] first_issue"},
		{"bad public_issues", minimal, []string{"FOLIO_SERVER_PUBLIC_ISSUES=yes please"}, "FOLIO_SERVER_PUBLIC_ISSUES"},
		{"tiny memory limit", minimal + "[build]\nmemory_limit_mb = 16\n", nil, "[build] memory_limit_mb"},
		{"smtp timeout past the lease", minimal + "[smtp]\ntimeout = \"15m\"\n", nil, `[smtp] timeout "15m": at most 5m0s`},
		{"zero photo limit", minimal + "[content]\nmax_photo_megapixels = 0\n", nil, "[content] max_photo_megapixels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("/x/folio.toml", []byte(tc.toml), tc.env)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestAddressAndBounceDomain(t *testing.T) {
	env := []string{"FOLIO_SMTP_HOST=relay.example.net", "FOLIO_MAGAZINE_ADDRESS=12 Harbour Lane, Portland, ME 04101"}
	cfg, err := Parse("/x/folio.toml", []byte(minimal), env)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Magazine.Address != "12 Harbour Lane, Portland, ME 04101" || cfg.BounceDomain() != "weekly.example.org" {
		t.Errorf("address %q, bounce domain %q", cfg.Magazine.Address, cfg.BounceDomain())
	}
	cfg, err = Parse("/x/folio.toml", []byte(minimal+"[bounces]\ndomain = \"Bounces.Weekly.example.org\"\n"), nil)
	if err != nil || cfg.BounceDomain() != "bounces.weekly.example.org" || cfg.Bounces.SoftLimit != 3 {
		t.Errorf("bounce domain %q soft limit %d: %v", cfg.BounceDomain(), cfg.Bounces.SoftLimit, err)
	}
}

func TestValidOptionalKeys(t *testing.T) {
	toml := minimal + "[server]\npublic_issues = true\n[smtp]\npassword = \"\" # an empty one in the file is harmless\n"
	env := []string{"FOLIO_DELIVERY_REPLY_TO=Letters <letters@weekly.example.org>", "FOLIO_MAGAZINE_FIRST_ISSUE=2019-W41", "FOLIO_SMTP_PASSWORD=from-env"}
	cfg, err := Parse("/x/folio.toml", []byte(toml), env)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Server.PublicIssues || cfg.SMTP.Password != "from-env" || cfg.Build.MemoryLimitMB != 1024 || cfg.Content.MaxPhotoMegapixels != 40 {
		t.Errorf("cfg = %+v %+v %+v", cfg.Server, cfg.Build, cfg.Content)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "folio.toml"), nil)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want not exist", err)
	}
}

func TestLoadExample(t *testing.T) {
	cfg, err := Load("../../examples/folio.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Magazine.Name == "" || !filepath.IsAbs(cfg.Content.Dir) {
		t.Errorf("example config: %+v", cfg.Magazine)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal), "FOLIO_SMTP_PORT=25")
	f.Add([]byte("[smtp]\nport = 99999\n"), "")
	f.Add([]byte("[magazine\n"), "FOLIO_DELIVERY_TIERS=a,b")
	f.Fuzz(func(t *testing.T, data []byte, env string) {
		cfg, err := Parse("/x/folio.toml", data, []string{env})
		if err == nil && (cfg.Magazine.Name == "" || cfg.Location == nil || cfg.Delivery.From == "") {
			t.Fatalf("accepted a config without its required keys: %+v", cfg)
		}
	})
}
