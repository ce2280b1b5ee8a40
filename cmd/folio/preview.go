package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/internal/publish"
	"github.com/foliopress/folio/issue/newsletter"
)

func (c *cli) previewCmd() *cobra.Command {
	var week, listen, email string
	cmd := &cobra.Command{
		Use:   "preview [--week W] [--listen ADDR] [--member EMAIL]",
		Short: "Serve the week's web version, email (HTML and text) and PDF on localhost for an editor to look at",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cfg, w, err := c.configWeek(week)
			if err != nil {
				return err
			}
			svc, err := c.services(ctx, cfg, email != "")
			if err != nil {
				return err
			}
			defer svc.Close()
			built, _, err := svc.builder.Load(ctx, w, false)
			if errors.Is(err, publish.ErrEmptyWeek) {
				return fmt.Errorf("preview %s: no reviews in the week", w)
			}
			if err != nil {
				return err
			}
			rc := svc.builder.Sample
			if email != "" {
				m, err := svc.store.MemberByEmail(ctx, email)
				if err != nil {
					return fmt.Errorf("preview: member %s: %w", email, err)
				}
				rc = newsletter.Recipient{Name: m.Name, Email: m.Email, Tier: m.Tier,
					ArchiveURL: svc.links.Archive(m), UnsubscribeURL: svc.links.Unsubscribe(m),
					PDFAttached: m.DeliverPDF != member.DeliverLink}
			}
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return fmt.Errorf("preview: %w", err)
			}
			base := "http://" + ln.Addr().String()
			p, err := publish.NewPreview(svc.builder.Renderer, built, rc, base)
			if err != nil {
				return errors.Join(err, ln.Close())
			}
			srv := &http.Server{Handler: p.Handler(), ReadHeaderTimeout: 10 * time.Second}
			c.stdout.printf("previewing %s at %s/ (Ctrl-C to stop)\n", w, base)
			go func() {
				<-ctx.Done()
				sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_ = srv.Shutdown(sctx)
			}()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("preview: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&week, "week", "", "ISO week to preview (default: the current week)")
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:8081", "address to serve the preview on")
	cmd.Flags().StringVar(&email, "member", "", "render the email as this member (by email) gets it (default: a sample member)")
	return cmd
}
