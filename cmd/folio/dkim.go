package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/foliopress/folio/internal/config"
	"github.com/foliopress/folio/mailer"
)

func (c *cli) dkimCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dkim",
		Short: "DKIM signing keys",
	}
	cmd.AddCommand(c.dkimKeygenCmd())
	return cmd
}

func (c *cli) dkimKeygenCmd() *cobra.Command {
	var selector, algorithm, out, domain string
	cmd := &cobra.Command{
		Use:   "keygen --selector NAME [--algorithm rsa|ed25519] [--out FILE] [--domain DOMAIN]",
		Short: "Write a new DKIM signing key and print the DNS TXT record that publishes it",
		Long: "keygen writes a private key (PEM, mode 0600; never over an existing file) and\n" +
			"prints the TXT record to publish at <selector>._domainkey.<domain> and the\n" +
			"[[dkim.keys]] entry for folio.toml. The domain is --domain, else [dkim] domain,\n" +
			"else the domain of [delivery] from. Sign with both an rsa and an ed25519 key:\n" +
			"every verifier knows RSA, and Ed25519 (RFC 8463) is the future.",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if !config.ValidSelector(selector) {
				return fmt.Errorf("dkim keygen: --selector %q: want letters, digits and hyphens, e.g. rsa2026", selector)
			}
			dir := "."
			if domain == "" {
				cfg, err := c.config()
				if err != nil {
					return fmt.Errorf("dkim keygen: no --domain, and the config gives none: %w", err)
				}
				dir = cfg.Dir
				if domain = cfg.DKIM.Domain; domain == "" {
					domain = mailer.Domain(addressOf(cfg.Delivery.From))
				}
			}
			if out == "" {
				out = filepath.Join(dir, "dkim-"+selector+".pem")
			}
			key, pemData, err := mailer.GenerateDKIMKey(algorithm)
			if err != nil {
				return err
			}
			record, err := mailer.DKIMRecord(key)
			if err != nil {
				return err
			}
			if err := writeNew(out, pemData); err != nil {
				return fmt.Errorf("dkim keygen: %w", err)
			}
			c.stdout.printf("wrote the %s key %s\n\npublish this TXT record in %s's DNS:\n\n%s\n\nand add to folio.toml:\n\n[[dkim.keys]]\nselector = %q\nkey_file = %q\n",
				algorithm, out, domain, mailer.DKIMZoneLine(domain, selector, record), selector, out)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&selector, "selector", "", "the selector the key is published under (required), e.g. rsa2026")
	f.StringVar(&algorithm, "algorithm", "rsa", "rsa (2048 bits) or ed25519")
	f.StringVar(&out, "out", "", "the key file to write (default dkim-SELECTOR.pem beside the config)")
	f.StringVar(&domain, "domain", "", "the signing domain (default [dkim] domain, else the From address's)")
	_ = cmd.MarkFlagRequired("selector")
	return cmd
}

// writeNew writes a secret file that must not exist yet, readable by its
// owner only, and syncs it.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s exists: keygen never replaces a key (move it away first)", path)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
