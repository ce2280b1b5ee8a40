package delivery_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/foliopress/folio/internal/delivery"

	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/store"
)

// ExampleSender_Send delivers an issue into an outbox folder, then sends
// it again: the ledger makes the second run a no-op.
func ExampleSender_Send() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "folio-example")
	defer func() { _ = os.RemoveAll(dir) }()
	st, err := store.Open(ctx, filepath.Join(dir, "folio.db"))
	if err != nil {
		panic(err)
	}
	defer st.Close()
	if _, _, err := st.UpsertMembers(ctx, []member.Member{
		{Email: "ann@example.org", Name: "Ann Lee", Status: member.StatusActive},
		{Email: "bob@example.org", Name: "Bob Roe", Status: member.StatusPaused},
	}); err != nil {
		panic(err)
	}
	s, err := delivery.NewSender(delivery.Options{
		Ledger:    st,
		Transport: mailer.NewOutbox(filepath.Join(dir, "outbox")),
		Composer: delivery.ComposerFunc(func(_ context.Context, m member.Member) (*mailer.Content, error) {
			return &mailer.Content{Subject: "This week", Text: "Dear " + m.Name + ", …"}, nil
		}),
		From: "Folio Weekly <issues@weekly.example.org>",
	})
	if err != nil {
		panic(err)
	}
	for range 2 {
		sum, err := s.Send(ctx, "2026-W10")
		fmt.Println(sum, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "outbox", "*.eml"))
	fmt.Println(len(files), "file:", filepath.Base(files[0]))
	// Output:
	// 2026-W10: 1 sent, 0 retrying, 0 failed, 0 skipped (ledger: 1 sent, 0 remaining, 0 failed) <nil>
	// 2026-W10: 0 sent, 0 retrying, 0 failed, 0 skipped (ledger: 1 sent, 0 remaining, 0 failed) <nil>
	// 1 file: 2026-W10.1.eml
}
