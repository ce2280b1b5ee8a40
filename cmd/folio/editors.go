package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/foliopress/folio/internal/config"
	"github.com/foliopress/folio/store"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/foliopress/folio/internal/editor"
)

func (c *cli) editorsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "editors", Short: "Manage the editors' console accounts (add, list, remove)"}
	cmd.AddCommand(c.editorsAddCmd(), c.editorsListCmd(), c.editorsRemoveCmd())
	return cmd
}

func (c *cli) editorsAddCmd() *cobra.Command {
	var role string
	cmd := &cobra.Command{
		Use:   "add EMAIL --role editor|admin",
		Short: "Add a console account; the password is read from a prompt, or from stdin when it is not a terminal",
		Long: "Add makes an account for the editors' console (/admin/ of folio serve). An editor builds,\n" +
			"previews, test-sends, sends, schedules and pauses issues and reads members; an admin may\n" +
			"also change members, import, export and read the audit log. The password (12 characters\n" +
			"or more) is asked twice on a terminal, or read as the first line of stdin; it is stored\n" +
			"only as a bcrypt hash.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			email, err := editor.CheckEmail(args[0])
			if err != nil {
				return err
			}
			r, err := editor.ParseRole(role)
			if err != nil {
				return fmt.Errorf("--role: %w", err)
			}
			cfg, err := c.config()
			if err != nil {
				return err
			}
			password, err := c.readPassword(cmd.InOrStdin())
			if err != nil {
				return err
			}
			hash, err := editor.Hash(password, editor.Cost)
			if err != nil {
				return err
			}
			st, err := c.openStore(cmd.Context(), cfg, storeExisting)
			if err != nil {
				return err
			}
			defer st.Close()
			if _, err := st.AddEditor(cmd.Context(), editor.Editor{Email: email, Role: r, Password: hash, Created: c.now()}); err != nil {
				return err
			}
			if err := st.Audit(cmd.Context(), editor.Entry{At: c.now(), Editor: "cli", Action: editor.ActionEditorAdd, Target: email, Detail: string(r)}); err != nil {
				return err
			}
			c.stdout.printf("added %s (%s)\n", email, r)
			return nil
		},
	}
	cmd.Flags().StringVar(&role, "role", "editor", "editor or admin")
	return cmd
}

// readPassword asks twice on a terminal, or reads stdin's first line.
func (c *cli) readPassword(in io.Reader) (string, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(os.Stderr, "Password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		fmt.Fprint(os.Stderr, "Again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		if string(a) != string(b) {
			return "", errors.New("the two passwords differ")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password: type it at the prompt, or give it as the first line of stdin")
	}
	return line, nil
}

func (c *cli) editorsListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the console accounts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withStore(cmd, storeReadOnly, func(cfg *config.Config, st *store.Store) error {
				eds, err := st.Editors(cmd.Context())
				if err != nil {
					return err
				}
				tw := newTable(c.stdout)
				tw.row("EMAIL\tROLE\tADDED\n")
				for _, e := range eds {
					tw.row("%s\t%s\t%s\n", e.Email, e.Role, e.Created.In(cfg.Location).Format("2006-01-02"))
				}
				if err := tw.flush(); err != nil {
					return err
				}
				c.stdout.printf("%d editors\n", len(eds))
				return nil
			})
		},
	}
}

func (c *cli) editorsRemoveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "remove EMAIL",
		Short: "Remove a console account; its sessions end at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withStore(cmd, storeExisting, func(cfg *config.Config, st *store.Store) error {
				if err := st.RemoveEditor(cmd.Context(), args[0]); err != nil {
					return err
				}
				if err := st.Audit(cmd.Context(), editor.Entry{At: c.now(), Editor: "cli", Action: editor.ActionEditorRemove, Target: args[0]}); err != nil {
					return err
				}
				c.stdout.printf("removed %s\n", args[0])
				return nil
			})
		},
	}
}
