package console

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/artifact"
	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/internal/publish"
	"github.com/foliopress/folio/store"
)

// BenchmarkStreamTick is the cost of one progress event for a week of
// 100,000 members being sent: the figures from the kept counts and the
// live counters, the fragment rendered and framed as an event — what the
// stream does once a second for each watching editor.
func BenchmarkStreamTick(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "folio.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ms := make([]member.Member, 100_000)
	for i := range ms {
		ms[i] = member.Member{Email: fmt.Sprintf("r%06d@example.org", i), Status: member.StatusActive}
	}
	if _, _, err := st.UpsertMembers(ctx, ms); err != nil {
		b.Fatal(err)
	}
	if _, err := st.EnsureDeliveries(ctx, "2026-W10", delivery.Audience{}, time.Now()); err != nil {
		b.Fatal(err)
	}
	folder, _ := artifact.OpenFolder(b.TempDir())
	prog := NewProgress(nil)
	defer prog.Start("2026-W10")()
	c, err := New(Config{}, Deps{Accounts: st, Ledger: st, Directory: st, Lifecycle: &member.Lifecycle{Store: st},
		Desk: &publish.Desk{}, Issues: folder, Progress: prog})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	r := httptest.NewRequest("GET", "/admin/weeks/2026-W10/progress", nil)
	if _, err := c.progressData(r, "2026-W10"); err != nil { // the first reads the ledger
		b.Fatal(err)
	}
	var buf bytes.Buffer
	b.ResetTimer()
	for b.Loop() {
		prog.Observe(delivery.Result{IssueID: "2026-W10", State: delivery.StateSent})
		v, err := c.progressData(r, "2026-W10")
		if err != nil {
			b.Fatal(err)
		}
		buf.Reset()
		if err := c.pages["week"].ExecuteTemplate(&buf, "progress", v); err != nil {
			b.Fatal(err)
		}
	}
}
