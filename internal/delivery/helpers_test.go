package delivery_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"

	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/store"
)

// fakePDF is a small stand-in for the issue PDF: the tests check the
// bytes survive the trip, not that it is a PDF.
var fakePDF = []byte("%PDF-1.7\n% folio test issue\n" + strings.Repeat("0123456789abcdef", 64) + "\n%%EOF\n")

// composer personalises a tiny issue: the member's name in both bodies,
// the PDF attached.
func composer(issueID string) delivery.Composer {
	return delivery.ComposerFunc(func(_ context.Context, m member.Member) (*mailer.Content, error) {
		name := m.Name
		if name == "" {
			name = "reader"
		}
		return &mailer.Content{
			Subject:        "Folio Weekly — Issue " + issueID,
			Text:           "Dear " + name + ",\n\nThis week's issue is attached.\n",
			HTML:           "<p>Dear " + name + ",</p><p>This week’s issue is attached.</p>",
			Attachments:    []mailer.Attachment{{Name: "folio-" + issueID + ".pdf", ContentType: "application/pdf", Data: fakePDF}},
			UnsubscribeURL: fmt.Sprintf("https://weekly.example.org/u/tok%d", m.ID),
		}, nil
	})
}

// newStore opens a fresh SQLite store with n active members
// m1@example.org … and the extra members given.
func newStore(t testing.TB, n int, extra ...member.Member) *store.Store {
	t.Helper()
	return newStoreAt(t, filepath.Join(t.TempDir(), "folio.db"), n, extra...)
}

// newStoreAt is newStore with the database at path: a copy of an empty,
// migrated database made once per test binary (migrating costs most of
// a second under the race detector).
func newStoreAt(t testing.TB, path string, n int, extra ...member.Member) *store.Store {
	t.Helper()
	ctx := context.Background()
	empty, err := emptyDB()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, empty, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	ms := make([]member.Member, 0, n+len(extra))
	for i := 1; i <= n; i++ {
		ms = append(ms, member.Member{Email: fmt.Sprintf("m%d@example.org", i), Name: fmt.Sprintf("Member %d", i), Tier: "print", Status: member.StatusActive})
	}
	ms = append(ms, extra...)
	if _, _, err := s.UpsertMembers(ctx, ms); err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	emptyOnce  sync.Once
	emptyBytes []byte
	emptyErr   error
)

// emptyDB is the bytes of an empty SQLite store with every migration.
func emptyDB() ([]byte, error) {
	emptyOnce.Do(func() {
		dir, err := os.MkdirTemp("", "folio-empty-")
		if err != nil {
			emptyErr = err
			return
		}
		defer func() { _ = os.RemoveAll(dir) }()
		path := filepath.Join(dir, "folio.db")
		s, err := store.Open(context.Background(), path)
		if err != nil {
			emptyErr = err
			return
		}
		if emptyErr = s.Close(); emptyErr == nil {
			emptyBytes, emptyErr = os.ReadFile(path)
		}
	})
	return emptyBytes, emptyErr
}

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time          { return c.t }
func (c *clock) Advance(d time.Duration) { c.t = c.t.Add(d) }
