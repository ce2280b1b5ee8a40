package config

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/foliopress/folio/issue"
)

// ErrInvalid wraps every validation failure, so callers can tell a bad
// config from a missing file.
var ErrInvalid = errors.New("config: invalid")

// Config is the whole configuration. The toml tags are the file's keys and,
// upper-cased with their section, the environment overrides
// (FOLIO_SMTP_PASSWORD for [smtp] password).
type Config struct {
	Magazine   Magazine   `toml:"magazine"`
	Content    Content    `toml:"content"`
	Build      Build      `toml:"build"`
	Store      Store      `toml:"store"`
	Delivery   Delivery   `toml:"delivery"`
	SMTP       SMTP       `toml:"smtp"`
	Schedule   Schedule   `toml:"schedule"`
	Newsletter Newsletter `toml:"newsletter"`
	Templates  Templates  `toml:"templates"`
	Server     Server     `toml:"server"`
	DKIM       DKIM       `toml:"dkim"`
	Bounces    Bounces    `toml:"bounces"`
	Inbound    Inbound    `toml:"inbound"`
	Webhooks   Webhooks   `toml:"webhooks"`

	// Path is the config file's absolute path; Dir its folder.
	Path string `toml:"-"`
	Dir  string `toml:"-"`
	// Location is Magazine.Timezone loaded.
	Location *time.Location `toml:"-"`
}

// Magazine names the publication.
type Magazine struct {
	Name     string `toml:"name"`
	Timezone string `toml:"timezone"`
	BaseURL  string `toml:"base_url"`
	// FirstIssue is the ISO week of issue number 1; empty numbers issues by
	// their week of the year.
	FirstIssue string `toml:"first_issue"`
	// Address is the magazine's postal address, shown in every email
	// (CAN-SPAM, CASL); required once mail goes through a relay.
	Address string `toml:"address"`
}

// Content says where reviews are and how sections are ordered.
type Content struct {
	// Dir is the folder of review files; empty for a magazine whose
	// reviews all come from its site.
	Dir      string   `toml:"dir"`
	Sections []string `toml:"sections"`
	// The limits a review file and its photo must keep, checked before
	// anything is decoded.
	MaxReviewKB        int `toml:"max_review_kb"`
	MaxPhotoMB         int `toml:"max_photo_mb"`
	MaxPhotoMegapixels int `toml:"max_photo_megapixels"`
	// Feeds is the shorthand for sources of RSS, Atom or JSON feeds.
	Feeds   []string `toml:"feeds"`
	Sources []Source `toml:"source"`
	// SectionsMap maps a post's category to a section.
	SectionsMap map[string]string `toml:"sections_map"`
	// RatingRules are regular expressions with a group named rating (and
	// optionally scale) that find a post's rating in its text.
	RatingRules []string `toml:"rating_rules"`
	// CacheDir keeps what was fetched from the sources, for conditional GETs.
	CacheDir string `toml:"cache_dir"`
}

// Build says where built issues go and how the PDF is set.
type Build struct {
	OutDir   string `toml:"out_dir"`
	PageSize string `toml:"page_size"`
	// MemoryLimitMB bounds a build process's memory (0: unbounded); serve
	// runs every build as a child process under it.
	MemoryLimitMB int `toml:"memory_limit_mb"`
}

// Store names the database: PostgreSQL when URL is set (several
// instances may share it), else the SQLite file at Path.
type Store struct {
	Path string `toml:"path"`
	// URL is "postgres://user@host:5432/db?sslmode=…"; its password
	// comes from PGPASSWORD, or the whole URL from FOLIO_STORE_URL.
	URL string `toml:"url"`
}

// Delivery configures who mail comes from and how fast it goes.
type Delivery struct {
	From       string   `toml:"from"`
	Outbox     string   `toml:"outbox"`
	Tiers      []string `toml:"tiers"`
	Workers    int      `toml:"workers"`
	Rate       float64  `toml:"rate"`
	HourlyCap  int      `toml:"hourly_cap"`
	MaxPerConn int      `toml:"max_per_conn"`
	Retry      []string `toml:"retry"`
	GiveUp     string   `toml:"give_up"`
	ListID     string   `toml:"list_id"`
	ReplyTo    string   `toml:"reply_to"`
	// PauseAfter is how many members refused with the same reply pause
	// the run (the reply is the relay's, not theirs).
	PauseAfter int `toml:"pause_after"`
	// DomainRates limits messages a second per recipient domain
	// ([delivery.domain_rates] "gmail.com" = 20).
	DomainRates map[string]float64 `toml:"domain_rates"`
	// The warm-up of a new sending domain: WarmupFirst messages on the
	// day of WarmupStart, growing each day to WarmupLast on day
	// WarmupDays, then no daily cap.
	WarmupStart string `toml:"warmup_start"`
	WarmupFirst int    `toml:"warmup_first"`
	WarmupLast  int    `toml:"warmup_last"`
	WarmupDays  int    `toml:"warmup_days"`
}

// SMTP is the relay. An empty Host means "write to the outbox instead".
type SMTP struct {
	Host     string `toml:"host"`
	Port     int    `toml:"port"`
	Username string `toml:"username"`
	Password string `toml:"password"`
	TLS      string `toml:"tls"`
	Timeout  string `toml:"timeout"`
}

// Schedule is when `folio serve` runs the weekly job.
type Schedule struct {
	Cron    string `toml:"cron"`
	CatchUp string `toml:"catch_up"`
	// JoinEvery is how often `folio serve` looks for a send another
	// instance started, to join it.
	JoinEvery string `toml:"join_every"`
}

// Newsletter tunes the email.
type Newsletter struct {
	Images      string `toml:"images"`
	Preheader   string `toml:"preheader"`
	AttachMaxKB int    `toml:"attach_max_kb"`
}

// Templates names a folder whose files override the embedded templates.
type Templates struct {
	Dir string `toml:"dir"`
}

// Server is the HTTP side of `folio serve`.
type Server struct {
	Listen  string `toml:"listen"`
	LinkTTL string `toml:"link_ttl"`
	// PublicIssues serves /issues/{week}/ to anyone once the week's send
	// has started; otherwise members reach issues only by signed links.
	PublicIssues bool `toml:"public_issues"`
}

// Bounces is where bounces, complaints and mailed unsubscribes come
// back: each member's envelope sender is a VERP address on Domain.
type Bounces struct {
	// Domain of the VERP envelope senders and the mailto unsubscribe
	// addresses; default the From address's domain.
	Domain string `toml:"domain"`
	// SoftLimit is how many issues in a row may soft-bounce (4.x.x)
	// before a member counts as bounced.
	SoftLimit int `toml:"soft_limit"`
	// KeepMaxKB caps how much of an inbound message kept aside (not
	// understood) is stored for the operator.
	KeepMaxKB int `toml:"keep_max_kb"`
}

// Inbound is the SMTP listener of `folio serve` for bounces, complaints
// and mailed unsubscribes.
type Inbound struct {
	// Listen is the listener's address ("0.0.0.0:25"); empty: no listener.
	Listen string `toml:"listen"`
	// MaxKB is the largest message accepted, in KiB.
	MaxKB int `toml:"max_kb"`
	// MaxConns caps concurrent connections.
	MaxConns int `toml:"max_conns"`
	// TLSCert and TLSKey (PEM files) enable STARTTLS.
	TLSCert string `toml:"tls_cert"`
	TLSKey  string `toml:"tls_key"`
	// Timeout bounds each command and the message transfer.
	Timeout string `toml:"timeout"`
}

// Webhooks are the provider event endpoints of `folio serve`.
type Webhooks struct {
	// SNSTopics, when set, are the only SNS topic ARNs accepted.
	SNSTopics []string `toml:"sns_topics"`
	// SNSCAFile replaces the system roots for SNS signing certificates
	// (tests, private CAs).
	SNSCAFile string `toml:"sns_ca_file"`
	// PostmarkUser is the basic-auth user of the Postmark webhook; the
	// password comes from FOLIO_POSTMARK_PASSWORD. Empty disables it.
	PostmarkUser string `toml:"postmark_user"`
}

// Default returns the embedded defaults: SQLite in folio.db and an outbox
// folder, so a config needs little more than the magazine's name.
func Default() Config {
	return Config{
		Magazine: Magazine{Timezone: "UTC"},
		Content:  Content{Dir: "reviews", CacheDir: "cache", MaxReviewKB: 1024, MaxPhotoMB: 64, MaxPhotoMegapixels: 40},
		Build:    Build{OutDir: "issues", PageSize: "letter", MemoryLimitMB: 1024},
		Store:    Store{Path: "folio.db"},
		Delivery: Delivery{
			Outbox:     "outbox",
			Workers:    4,
			MaxPerConn: 100,
			PauseAfter: 3,
			Retry:      []string{"5m", "15m", "30m", "1h", "2h"},
			GiveUp:     "72h",
		},
		SMTP:       SMTP{Port: 587, TLS: "starttls", Timeout: "30s"},
		Schedule:   Schedule{CatchUp: "48h", JoinEvery: "15s"},
		Newsletter: Newsletter{Images: "url", AttachMaxKB: 5120},
		Server:     Server{Listen: "127.0.0.1:8080", LinkTTL: "8760h"},
		Bounces:    Bounces{SoftLimit: 3, KeepMaxKB: 256},
		Inbound:    Inbound{MaxKB: 10240, MaxConns: 500, Timeout: "60s"},
	}
}

// Load reads the file at path over the defaults, applies environment
// overrides from environ (os.Environ() form), resolves relative paths and
// validates.
func Load(path string, environ []string) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(abs, data, environ)
}

// Parse is Load for a file already read; path names it in errors and
// anchors relative paths.
func Parse(path string, data []byte, environ []string) (*Config, error) {
	cfg := Default()
	md, err := toml.Decode(string(data), &cfg)
	if err != nil {
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return nil, fmt.Errorf("%w: %s: unknown key %s", ErrInvalid, path, strings.Join(keys, ", "))
	}
	if cfg.SMTP.Password != "" {
		// A password in the file sits in plain text beside the config, in
		// backups and in version control: the README promises it is read
		// only from the environment.
		return nil, fmt.Errorf("%w: %s: [smtp] password must not be in the config file; remove it and set the environment variable FOLIO_SMTP_PASSWORD instead", ErrInvalid, path)
	}
	if err := cfg.Store.checkFileURL(); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, path, err)
	}
	if err := applyEnv(&cfg, environ); err != nil {
		return nil, err
	}
	cfg.Path = path
	cfg.Dir = filepath.Dir(path)
	paths := []*string{&cfg.Content.Dir, &cfg.Content.CacheDir, &cfg.Build.OutDir, &cfg.Store.Path, &cfg.Delivery.Outbox, &cfg.Templates.Dir, &cfg.DKIM.KeyFile,
		&cfg.Inbound.TLSCert, &cfg.Inbound.TLSKey, &cfg.Webhooks.SNSCAFile}
	for i := range cfg.DKIM.Keys {
		paths = append(paths, &cfg.DKIM.Keys[i].KeyFile)
	}
	for _, p := range paths {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(cfg.Dir, *p)
		}
	}
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, path, err)
	}
	return &cfg, nil
}

func (c *Config) validate() error {
	if strings.TrimSpace(c.Magazine.Name) == "" {
		return errors.New("[magazine] name is required")
	}
	if err := c.Store.validate(); err != nil {
		return err
	}
	loc, err := time.LoadLocation(c.Magazine.Timezone)
	if err != nil {
		return fmt.Errorf("[magazine] timezone %q: %w", c.Magazine.Timezone, err)
	}
	c.Location = loc
	u, err := url.Parse(c.Magazine.BaseURL)
	if c.Magazine.BaseURL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("[magazine] base_url %q: want an absolute http(s) URL", c.Magazine.BaseURL)
	}
	c.Magazine.BaseURL = strings.TrimRight(c.Magazine.BaseURL, "/")
	if err := c.Content.validate(); err != nil {
		return err
	}
	if c.Delivery.From == "" {
		return errors.New("[delivery] from is required")
	}
	if _, err := mail.ParseAddress(c.Delivery.From); err != nil {
		return fmt.Errorf("[delivery] from %q: %w", c.Delivery.From, err)
	}
	if c.Delivery.ReplyTo != "" {
		if _, err := mail.ParseAddress(c.Delivery.ReplyTo); err != nil {
			return fmt.Errorf("[delivery] reply_to %q: want one address such as \"Letters <letters@example.org>\": %w", c.Delivery.ReplyTo, err)
		}
	}
	if c.Magazine.FirstIssue != "" {
		if _, err := issue.ParseWeek(c.Magazine.FirstIssue); err != nil {
			return fmt.Errorf("[magazine] first_issue %q: want an ISO week such as 2019-W41: %w", c.Magazine.FirstIssue, err)
		}
	}
	if c.Schedule.Cron == "" {
		c.Schedule.Cron = "CRON_TZ=" + c.Magazine.Timezone + " 0 7 * * FRI"
	}
	checks := []struct {
		ok   bool
		what string
	}{
		{oneOf(c.SMTP.TLS, "starttls", "tls", "none"), fmt.Sprintf("[smtp] tls %q: want starttls, tls or none", c.SMTP.TLS)},
		{c.SMTP.Port > 0 && c.SMTP.Port < 65536, fmt.Sprintf("[smtp] port %d: want 1 to 65535", c.SMTP.Port)},
		{oneOf(strings.ToLower(c.Build.PageSize), "letter", "a4"), fmt.Sprintf("[build] page_size %q: want letter or a4", c.Build.PageSize)},
		{oneOf(c.Newsletter.Images, "url", "embed"), fmt.Sprintf("[newsletter] images %q: want url or embed", c.Newsletter.Images)},
		{c.Newsletter.AttachMaxKB >= 0, "[newsletter] attach_max_kb must not be negative"},
		{c.Delivery.Workers >= 1 && c.Delivery.Workers <= 64, fmt.Sprintf("[delivery] workers %d: want 1 to 64", c.Delivery.Workers)},
		{c.Delivery.Rate >= 0, "[delivery] rate must not be negative"},
		{c.Delivery.HourlyCap >= 0, "[delivery] hourly_cap must not be negative"},
		{c.Delivery.MaxPerConn >= 1, "[delivery] max_per_conn must be at least 1"},
		{c.Delivery.PauseAfter >= 1, "[delivery] pause_after must be at least 1"},
		{c.SMTP.Host == "" || strings.TrimSpace(c.Magazine.Address) != "", "[magazine] address is required once [smtp] host is set: every email must show the magazine's postal address (CAN-SPAM, CASL)"},
		{!strings.ContainsAny(c.Magazine.Address, "<>"), "[magazine] address must be plain text"},
		{c.Bounces.SoftLimit >= 1, "[bounces] soft_limit must be at least 1"},
		{c.Bounces.KeepMaxKB >= 1, "[bounces] keep_max_kb must be at least 1"},
		{c.Inbound.MaxKB >= 64, "[inbound] max_kb must be at least 64"},
		{c.Inbound.MaxConns >= 1, "[inbound] max_conns must be at least 1"},
		{(c.Inbound.TLSCert == "") == (c.Inbound.TLSKey == ""), "[inbound] tls_cert and tls_key go together"},
		{c.Bounces.Domain == "" || validDomain(c.Bounces.Domain), fmt.Sprintf("[bounces] domain %q: want a domain name such as bounces.example.org", c.Bounces.Domain)},
		{c.Content.MaxReviewKB >= 1, "[content] max_review_kb must be at least 1"},
		{c.Content.MaxPhotoMB >= 1, "[content] max_photo_mb must be at least 1"},
		{c.Content.MaxPhotoMegapixels >= 1, "[content] max_photo_megapixels must be at least 1"},
		{c.Build.MemoryLimitMB == 0 || c.Build.MemoryLimitMB >= 128, "[build] memory_limit_mb must be 0 (no limit) or at least 128"},
	}
	for _, ch := range checks {
		if !ch.ok {
			return errors.New(ch.what)
		}
	}
	if err := c.DKIM.validate(); err != nil {
		return err
	}
	if err := c.Delivery.validatePace(); err != nil {
		return err
	}
	durations := map[string]string{
		"[smtp] timeout": c.SMTP.Timeout, "[schedule] catch_up": c.Schedule.CatchUp,
		"[schedule] join_every": c.Schedule.JoinEvery,
		"[server] link_ttl":     c.Server.LinkTTL, "[delivery] give_up": c.Delivery.GiveUp,
		"[inbound] timeout": c.Inbound.Timeout,
	}
	for i, r := range c.Delivery.Retry {
		durations[fmt.Sprintf("[delivery] retry[%d]", i)] = r
	}
	for key, v := range durations {
		if d, err := time.ParseDuration(v); err != nil || d <= 0 {
			return fmt.Errorf("%s %q: want a positive duration such as 30s, 15m or 48h", key, v)
		}
	}
	if d, _ := time.ParseDuration(c.SMTP.Timeout); d > MaxSMTPTimeout {
		return fmt.Errorf("[smtp] timeout %q: at most %v, so a hung relay is cut off well before the ten-minute lease of the rows a worker holds runs out",
			c.SMTP.Timeout, MaxSMTPTimeout)
	}
	return nil
}

// MaxSMTPTimeout bounds [smtp] timeout: a reply that never comes must be
// given up long before the claimed rows' lease (delivery.Options.Lease,
// ten minutes) would let another run take them.
const MaxSMTPTimeout = 5 * time.Minute

// validDomain accepts a plain domain name: letters, digits, hyphens and
// dots, at least two labels.
func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 || len(d) > 253 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return false
		}
		for _, r := range l {
			letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
			if !letter && (r < '0' || r > '9') && r != '-' {
				return false
			}
		}
	}
	return true
}

// BounceDomain is [bounces] domain, or the From address's domain.
func (c *Config) BounceDomain() string {
	if c.Bounces.Domain != "" {
		return strings.ToLower(c.Bounces.Domain)
	}
	addr, err := mail.ParseAddress(c.Delivery.From)
	if err != nil {
		return ""
	}
	return strings.ToLower(addr.Address[strings.LastIndexByte(addr.Address, '@')+1:])
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// Duration parses a duration the config has already validated.
func Duration(s string) time.Duration {
	d, _ := time.ParseDuration(s)
	return d
}
