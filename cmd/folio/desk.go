package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/foliopress/folio/internal/config"
	"github.com/foliopress/folio/internal/console"
	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/publish"
	"github.com/foliopress/folio/internal/schedule"
)

// desk wires the editors' console: the publish side through the job, the
// store's contracts, this instance's live progress and the health checks.
func (c *cli) desk(cfg *config.Config, svc *services, job *publish.Job, spec *schedule.Spec, prog *console.Progress) (*console.Console, error) {
	u, _ := url.Parse(cfg.Magazine.BaseURL)
	return console.New(console.Config{
		Magazine:   cfg.Magazine.Name,
		Secure:     u != nil && u.Scheme == "https",
		Location:   cfg.Location,
		NextRun:    spec.Next,
		Now:        c.now,
		Thumbnails: console.PDFToPPM{Width: 208},
		OnError:    func(op string, err error) { c.log.Error("console", "op", op, "err", err) },
	}, console.Deps{
		Accounts: svc.store, Ledger: svc.store, Directory: svc.store, Lifecycle: c.lifecycle(cfg, svc.store),
		Desk:     &publish.Desk{Job: job, Audience: delivery.Audience{Tiers: cfg.Delivery.Tiers}, Counter: svc.store},
		Issues:   svc.artifacts,
		Progress: prog,
		Checks:   c.checks(cfg, svc),
	})
}

// checks are the parts the dashboard shows the health of.
func (c *cli) checks(cfg *config.Config, svc *services) []console.Check {
	relay := console.Check{Name: "relay", Run: func(ctx context.Context) (string, error) {
		if cfg.SMTP.Host == "" {
			if err := writable(cfg.Delivery.Outbox); err != nil {
				return "", fmt.Errorf("outbox %s: %w", cfg.Delivery.Outbox, err)
			}
			return "no relay: messages go to the outbox folder " + cfg.Delivery.Outbox, nil
		}
		return greet(ctx, net.JoinHostPort(cfg.SMTP.Host, strconv.Itoa(cfg.SMTP.Port)), cfg.SMTP.TLS == "tls")
	}}
	st := console.Check{Name: "store", Run: func(ctx context.Context) (string, error) {
		if err := svc.store.Healthy(ctx); err != nil {
			return "", err
		}
		return svc.store.Engine(), nil
	}}
	inbound := console.Check{Name: "inbound listener", Run: func(ctx context.Context) (string, error) {
		if cfg.Inbound.Listen == "" {
			return "not configured ([inbound] listen); bounces come from webhooks or folio inbound", nil
		}
		return greet(ctx, cfg.Inbound.Listen, false)
	}}
	return []console.Check{relay, st, inbound}
}

// greet connects to an SMTP server, reads its greeting and says QUIT.
func greet(ctx context.Context, addr string, implicitTLS bool) (string, error) {
	if implicitTLS {
		d := net.Dialer{}
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return "", err
		}
		_ = conn.Close()
		return "accepts connections on " + addr + " (implicit TLS)", nil
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("%s: no greeting: %w", addr, err)
	}
	line = strings.TrimSpace(line)
	_, _ = conn.Write([]byte("QUIT\r\n"))
	if !strings.HasPrefix(line, "220") {
		return "", fmt.Errorf("%s: %s", addr, line)
	}
	return addr + " answers " + line, nil
}

// writable reports whether files can be made in dir.
func writable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".health-")
	if err != nil {
		return err
	}
	return errors.Join(f.Close(), os.Remove(f.Name()))
}
