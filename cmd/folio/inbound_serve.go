package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/foliopress/folio/internal/config"
	"github.com/foliopress/folio/internal/inbound"
	"github.com/foliopress/folio/server"
)

// inboundSide is what `folio serve` runs for what comes back: the SMTP
// listener (when [inbound] listen is set) and the provider webhooks.
type inboundSide struct {
	metrics  *inbound.Metrics
	listener *inbound.Listener
	addr     string
	hooks    map[string]http.Handler
}

// inboundSide wires the processor, the listener and the webhooks to the
// store, the log and the metrics.
func (c *cli) inboundSide(cfg *config.Config, svc *services, metrics *server.Metrics) (*inboundSide, error) {
	m, err := inbound.NewMetrics(metrics.Registry())
	if err != nil {
		return nil, err
	}
	p := c.processor(cfg, svc.store, svc.links)
	p.Count = m.Message
	side := &inboundSide{metrics: m, hooks: map[string]http.Handler{}}
	logEvent := func(provider string) func(string, error) {
		return func(outcome string, err error) {
			m.Webhook(provider, outcome)
			if err != nil {
				m.Refused(provider+" "+outcome, err)
				c.log.Warn("webhook refused", "provider", provider, "outcome", outcome, "err", err)
				return
			}
			c.log.Info("webhook", "provider", provider, "outcome", outcome)
		}
	}
	var roots *x509.CertPool
	if cfg.Webhooks.SNSCAFile != "" {
		pem, err := os.ReadFile(cfg.Webhooks.SNSCAFile)
		if err != nil {
			return nil, fmt.Errorf("config: [webhooks] sns_ca_file: %w", err)
		}
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("config: [webhooks] sns_ca_file %s: no PEM certificate in it", cfg.Webhooks.SNSCAFile)
		}
	}
	sns := &inbound.SNS{Processor: p, Topics: cfg.Webhooks.SNSTopics, Roots: roots, OnEvent: logEvent("ses")}
	if roots != nil {
		sns.Client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	}
	side.hooks["ses"] = sns
	if cfg.Webhooks.PostmarkUser != "" {
		pass := c.getenv(envPostmarkPassword)
		if len(pass) < 16 {
			return nil, errors.New(envPostmarkPassword + " must be set (at least 16 characters) when [webhooks] postmark_user is")
		}
		side.hooks["postmark"] = &inbound.Postmark{Processor: p, User: cfg.Webhooks.PostmarkUser, Password: pass, OnEvent: logEvent("postmark")}
	}
	if cfg.Inbound.Listen == "" {
		return side, nil
	}
	var tlsCfg *tls.Config
	if cfg.Inbound.TLSCert != "" {
		pair, err := tls.LoadX509KeyPair(cfg.Inbound.TLSCert, cfg.Inbound.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("config: [inbound] tls_cert, tls_key: %w", err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	}
	side.addr = cfg.Inbound.Listen
	side.listener = &inbound.Listener{
		Processor: p,
		MaxBytes:  cfg.Inbound.MaxKB << 10,
		MaxConns:  cfg.Inbound.MaxConns,
		Timeout:   config.Duration(cfg.Inbound.Timeout),
		TLS:       tlsCfg,
		OnResult: func(r inbound.Result, env inbound.Envelope) {
			log := c.log.Info
			if r.Outcome == inbound.OutcomeKept {
				log = c.log.Warn
			}
			log("inbound", "kind", r.Kind, "outcome", r.Outcome, "member", r.MemberID, "note", r.Note, "from", env.From)
		},
		OnRefused: func(what string, err error) {
			m.Refused(what, err)
			c.log.Warn("inbound refused", "reason", what, "err", err)
		},
		ErrorLog: slog.NewLogLogger(c.log.Handler(), slog.LevelWarn),
	}
	return side, nil
}
