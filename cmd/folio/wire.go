package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/foliopress/folio/internal/artifact"
	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/links"
	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/internal/config"
	"github.com/foliopress/folio/internal/publish"
	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/newsletter"
	"github.com/foliopress/folio/issue/pdf"
	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/server"
	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/templates"
)

// Environment variables that hold secrets; they are never config keys and
// never logged.
const (
	envSecret     = "FOLIO_SECRET"
	envAdminToken = "FOLIO_ADMIN_TOKEN"
	// envSecretPrevious lists retired secrets, comma-separated: links and
	// addresses signed with them still verify after a rotation.
	envSecretPrevious = "FOLIO_SECRET_PREVIOUS"
	// envPostmarkPassword is the Postmark webhook's basic-auth password.
	envPostmarkPassword = "FOLIO_POSTMARK_PASSWORD"
)

// services is everything a command may need, wired from the config.
type services struct {
	cfg       *config.Config
	store     *store.Store
	builder   *publish.Builder
	links     *links.Links
	artifacts issueStore
}

// issueStore keeps built issues: the build folder (artifact.Folder), or
// the database when the store is PostgreSQL (store.IssueFiles), so every
// instance serves and sends issues any of them built.
type issueStore interface {
	publish.Artifacts
	server.IssueFiles
	Close() error
}

func (s *services) Close() error {
	var errs []error
	if s.store != nil {
		errs = append(errs, s.store.Close())
	}
	if s.artifacts != nil {
		errs = append(errs, s.artifacts.Close())
	}
	return errors.Join(errs...)
}

// How a command opens the store.
type storeMode int

const (
	storeExisting storeMode = iota // the database must exist already
	storeCreate                    // members import and init may create it
	storeReadOnly                  // status and members list only read
)

// openStore opens the configured store: PostgreSQL at [store] url (or
// FOLIO_STORE_URL), else SQLite at [store] path. Only storeCreate makes
// a new SQLite file: a mistyped path, or a database deleted under us, is
// an error, not an empty store.
func (c *cli) openStore(ctx context.Context, cfg *config.Config, mode storeMode) (*store.Store, error) {
	st, err := store.OpenConfig(ctx, store.Config{URL: cfg.Store.URL, Path: cfg.Store.Path,
		Create: mode == storeCreate, ReadOnly: mode == storeReadOnly})
	if err != nil {
		where := cfg.Store.Path
		if cfg.Store.URL != "" {
			where = config.Redact(cfg.Store.URL)
		}
		if errors.Is(err, store.ErrNoDatabase) {
			return nil, fmt.Errorf("no database at %s: create it with `folio init` or `folio members import FILE` "+
				"(no other command creates one), or fix [store] path", where)
		}
		return nil, fmt.Errorf("open store %s: %w", where, err)
	}
	return st, nil
}

// services wires config → store → builder and links. withStore is false
// for commands that only build.
func (c *cli) services(ctx context.Context, cfg *config.Config, withStore bool) (*services, error) {
	svc := &services{cfg: cfg}
	var first issue.Week
	if cfg.Magazine.FirstIssue != "" {
		w, err := issue.ParseWeek(cfg.Magazine.FirstIssue)
		if err != nil {
			return nil, fmt.Errorf("config: [magazine] first_issue: %w", err)
		}
		first = w
	}
	var tmplFS fs.FS // nil: the embedded templates
	if cfg.Templates.Dir != "" {
		// A misnamed override would otherwise be silently ignored.
		if err := newsletter.CheckTemplateDir(cfg.Templates.Dir); err != nil {
			return nil, fmt.Errorf("config: [templates] dir: %w", err)
		}
		tmplFS = newsletter.Overlay(templates.FS(), cfg.Templates.Dir)
	}
	// A command without the store (build, preview) renders an edition at
	// once, which checks overridden templates if nothing did before: the
	// check runs beside its first steps instead of ahead of them (the
	// embedded ones need none). The others (send, serve) check before
	// they start.
	renderer, err := newsletter.New(newsletter.Options{
		Templates:  tmplFS,
		Images:     cfg.Newsletter.Images,
		Preheader:  cfg.Newsletter.Preheader,
		Address:    cfg.Magazine.Address,
		DeferCheck: !withStore,
	})
	if err != nil {
		return nil, err
	}
	if !withStore && tmplFS != nil {
		go func(ctx context.Context) {
			if ctx.Err() == nil {
				_ = renderer.Check() // its error comes back from Edition
			}
		}(ctx)
	}
	links, err := c.links(cfg)
	if err != nil {
		return nil, err
	}
	svc.links = links
	src, err := source(cfg, c.getenv)
	if err != nil {
		return nil, err
	}
	if withStore || cfg.Store.URL != "" {
		// On PostgreSQL even a build needs the store: issues live there.
		st, err := c.openStore(ctx, cfg, storeExisting)
		if err != nil {
			return nil, err
		}
		svc.store = st
	}
	issues, err := c.issueStore(cfg, svc.store)
	if err != nil {
		_ = svc.Close()
		return nil, fmt.Errorf("[build] out_dir: %w", err)
	}
	svc.artifacts = issues
	sample := member.Member{ID: 0, Email: "reader@example.org", Name: "Sample Reader", Tier: "digital", Status: member.StatusActive}
	svc.builder = &publish.Builder{
		Source:    src,
		Masthead:  issue.Masthead{Name: cfg.Magazine.Name, BaseURL: cfg.Magazine.BaseURL, Location: cfg.Location, FirstIssue: first, Labels: cfg.Content.OpensLabels},
		Artifacts: svc.artifacts,
		PDF:       pdf.Options{PageSize: strings.ToLower(cfg.Build.PageSize), Author: cfg.Magazine.Name},
		Renderer:  renderer,
		// Beside the sources' responses: both are disposable.
		PhotoCache: filepath.Join(cfg.Content.CacheDir, "photos"),
		Sample: newsletter.Recipient{
			Name: sample.Name, Email: sample.Email, Tier: sample.Tier, PDFAttached: true,
			ArchiveURL: links.Archive(sample), UnsubscribeURL: links.Unsubscribe(sample), ManageURL: links.Manage(sample),
		},
	}
	return svc, nil
}

// issueStore is where built issues live: the database on PostgreSQL, with
// out_dir as this instance's cache of drafts and fetched issues; else the
// build folder itself.
func (c *cli) issueStore(cfg *config.Config, st *store.Store) (issueStore, error) {
	if cfg.Store.URL != "" {
		return st.IssueFiles(cfg.Build.OutDir)
	}
	return artifact.OpenFolder(cfg.Build.OutDir)
}

// links signs personal links with FOLIO_SECRET. Without it, mail that
// stays on this machine (the outbox) gets a throwaway secret, so the
// sample runs with no setup; mail through a relay refuses to go out with
// links nobody can verify.
func (c *cli) links(cfg *config.Config) (*links.Links, error) {
	secret := c.getenv(envSecret)
	if secret == "" {
		if cfg.SMTP.Host != "" {
			return nil, errors.New(envSecret + " is not set: members' unsubscribe and archive links must be signed with a lasting secret before mail goes through a relay")
		}
		c.log.Warn(envSecret + " is not set; signing links with a throwaway secret (fine for the outbox, not for real mail)")
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		secret = string(b)
	} else if len(secret) < 16 {
		return nil, errors.New(envSecret + " is too short: use at least 16 characters")
	}
	addr, err := mail.ParseAddress(cfg.Delivery.From)
	if err != nil {
		return nil, fmt.Errorf("config: [delivery] from: %w", err)
	}
	var previous [][]byte
	for p := range strings.SplitSeq(c.getenv(envSecretPrevious), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if len(p) < 16 {
			return nil, errors.New(envSecretPrevious + " holds a secret shorter than 16 characters")
		}
		previous = append(previous, []byte(p))
	}
	return &links.Links{
		BaseURL:    cfg.Magazine.BaseURL,
		Secret:     []byte(secret),
		Previous:   previous,
		TTL:        config.Duration(cfg.Server.LinkTTL),
		List:       listID(cfg, addr.Address),
		MailDomain: cfg.BounceDomain(),
	}, nil
}

// lifecycle is the members' lifecycle over the store.
func (c *cli) lifecycle(cfg *config.Config, st *store.Store) *member.Lifecycle {
	return &member.Lifecycle{Store: st, SoftLimit: cfg.Bounces.SoftLimit, Now: c.now}
}

// listID is the List-Id: the configured one, or the From domain's.
func listID(cfg *config.Config, from string) string {
	if cfg.Delivery.ListID != "" {
		return cfg.Delivery.ListID
	}
	return mailer.DefaultListID(from)
}

func (c *cli) getenv(key string) string {
	for _, kv := range c.environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// job wires the delivery side: transport (relay or outbox), DKIM, and the
// sender options from [delivery], around the builder.
func (c *cli) job(svc *services, onResult func(delivery.Result)) (*publish.Job, error) {
	cfg := svc.cfg
	var transport mailer.Transport
	if cfg.SMTP.Host == "" {
		transport = mailer.NewOutbox(cfg.Delivery.Outbox)
	} else {
		transport = mailer.NewSMTP(mailer.SMTPConfig{
			Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Username: cfg.SMTP.Username, Password: cfg.SMTP.Password,
			TLS: cfg.SMTP.TLS, Timeout: config.Duration(cfg.SMTP.Timeout),
		})
	}
	dkim, err := dkimSigner(cfg)
	if err != nil {
		return nil, err
	}
	retry := make([]time.Duration, len(cfg.Delivery.Retry))
	for i, r := range cfg.Delivery.Retry {
		retry[i] = config.Duration(r)
	}
	return &publish.Job{
		Builder:        svc.builder,
		Store:          svc.store,
		Links:          svc.links,
		Holds:          svc.store,
		AttachMaxBytes: cfg.Newsletter.AttachMaxKB * 1024,
		PublicIssues:   cfg.Server.PublicIssues,
		Pauses:         svc.store,
		NewSender: func(comp delivery.Composer) (*delivery.Sender, error) {
			return delivery.NewSender(delivery.Options{
				Ledger: svc.store, Transport: transport, Composer: comp,
				From: cfg.Delivery.From, ReplyTo: cfg.Delivery.ReplyTo,
				Audience: delivery.Audience{Tiers: cfg.Delivery.Tiers},
				ListID:   svc.links.List,
				Workers:  cfg.Delivery.Workers, MaxPerConn: cfg.Delivery.MaxPerConn,
				Rate: cfg.Delivery.Rate, HourlyCap: cfg.Delivery.HourlyCap, PauseAfter: cfg.Delivery.PauseAfter,
				DomainRates: cfg.Delivery.DomainRates, Budget: svc.store,
				Warmup: delivery.Warmup{Start: cfg.Delivery.WarmupStartDate(), First: cfg.Delivery.WarmupFirst,
					Last: cfg.Delivery.WarmupLast, Days: cfg.Delivery.WarmupDays},
				Retry: retry, GiveUp: config.Duration(cfg.Delivery.GiveUp),
				DKIM: dkim, OnResult: onResult,
				// Each member's copy goes out from their own VERP address on
				// [bounces] domain, so a bounce names whom it is for; the
				// mailto in List-Unsubscribe is theirs too (the Composer's).
				EnvelopeFrom: func(m member.Member, issueID string) string {
					if m.ID == 0 {
						return svc.links.PlainAddress() // a test copy
					}
					return svc.links.BounceAddress(m.ID, issueID)
				},
			})
		},
	}, nil
}

// dkimSigner reads the [dkim] keys; nil when none are configured.
func dkimSigner(cfg *config.Config) (*mailer.DKIM, error) {
	keys := cfg.DKIM.SigningKeys()
	if len(keys) == 0 {
		return nil, nil
	}
	var signing []mailer.DKIMKey
	for _, k := range keys {
		data, err := os.ReadFile(k.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("config: [dkim] key_file: %w", err)
		}
		key, err := mailer.ParseDKIMKey(data)
		if err != nil {
			return nil, fmt.Errorf("config: [dkim] key_file %s: %w", k.KeyFile, err)
		}
		signing = append(signing, mailer.DKIMKey{Selector: k.Selector, Key: key})
	}
	d, err := mailer.NewDKIM(cfg.Delivery.From, cfg.DKIM.Domain, signing)
	if err != nil {
		return nil, fmt.Errorf("config: [dkim]: %w", err)
	}
	return d, nil
}

// addressOf is the bare address of a From value, or the value itself
// when it does not parse (the config has checked it already).
func addressOf(from string) string {
	if a, err := mail.ParseAddress(from); err == nil {
		return a.Address
	}
	return from
}

// withStore loads the config, opens the store in mode and runs run with
// both, closing the store after: the shape of every command that reads or
// changes what the store holds.
func (c *cli) withStore(cmd *cobra.Command, mode storeMode, run func(cfg *config.Config, st *store.Store) error) error {
	cfg, err := c.config()
	if err != nil {
		return err
	}
	st, err := c.openStore(cmd.Context(), cfg, mode)
	if err != nil {
		return err
	}
	defer st.Close()
	return run(cfg, st)
}
