package mailer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/store"
)

func ExampleParseMembersCSV() {
	csv := "Email,Name,Tier,Status,Joined\r\n" +
		"ann@example.org,Ann Lee,print,active,2019\r\n" +
		"bob@,Bob,web,active,2020\r\n" +
		"ANN@example.org,Ann Twice,print,active,2021\r\n"
	members, rowErrs, err := mailer.ParseMembersCSV(strings.NewReader(csv), "members.csv")
	if err != nil {
		panic(err)
	}
	for _, m := range members {
		fmt.Println("ok:", m.Email, m.Status)
	}
	for _, e := range rowErrs {
		fmt.Println(e)
	}
	// Output:
	// ok: ann@example.org active
	// members.csv:3: email: "bob@": invalid address
	// members.csv:4: email: "ANN@example.org": duplicate email (first on line 2)
}

// ExampleSender_Send delivers an issue into an outbox folder, then sends
// it again: the ledger makes the second run a no-op.
func ExampleSender_Send() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "folio-example")
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, filepath.Join(dir, "folio.db"))
	if err != nil {
		panic(err)
	}
	defer st.Close()
	st.UpsertMembers(ctx, []mailer.Member{
		{Email: "ann@example.org", Name: "Ann Lee", Status: mailer.StatusActive},
		{Email: "bob@example.org", Name: "Bob Roe", Status: mailer.StatusPaused},
	})
	s, err := mailer.NewSender(mailer.Options{
		Ledger:    st,
		Transport: mailer.NewOutbox(filepath.Join(dir, "outbox")),
		Composer: mailer.ComposerFunc(func(_ context.Context, m mailer.Member) (*mailer.Content, error) {
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
