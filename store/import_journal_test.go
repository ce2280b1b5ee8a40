package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/store"
)

// TestFirstImportLeavesWAL: a first import into an empty SQLite store runs
// under a rollback journal (its pages are written once, not to the WAL and
// again into the file), and the store is back in WAL mode afterwards,
// whether the import went in or failed. With the database open elsewhere
// (another store on the file) the import stays in WAL, and goes in all the
// same.
func TestFirstImportLeavesWAL(t *testing.T) {
	for _, tc := range []struct {
		name   string
		shared bool  // another store has the file open
		fail   error // the rows end in this error
		want   string
	}{
		{name: "alone", want: "delete"},
		{name: "alone, failing", fail: errors.New("disk went away"), want: "delete"},
		{name: "shared", shared: true, want: "wal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s, target := openTarget(t, "sqlite")
			if tc.shared {
				other, err := store.Open(ctx, target)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { closeStore(t, other) })
			}
			rows := func(yield func(member.ImportRow, error) bool) {
				for i := range 300 {
					if !yield(member.ImportRow{Line: i + 2, Member: mem(fmt.Sprintf("m%d@example.org", i), "", member.StatusActive)}, nil) {
						return
					}
				}
				if tc.fail != nil {
					yield(member.ImportRow{}, tc.fail)
				}
			}
			var during string
			_, err := s.ImportMembers(ctx, rows, member.ImportOptions{File: "x.csv", Before: func() ([]int, error) {
				during = queryStrings(t, "sqlite", target, `PRAGMA journal_mode`)[0]
				return nil, nil
			}})
			if (err != nil) != (tc.fail != nil) {
				t.Fatalf("import: %v", err)
			}
			if tc.fail == nil && during != tc.want {
				t.Errorf("the import ran in journal mode %q, want %q", during, tc.want)
			}
			if after := queryStrings(t, "sqlite", target, `PRAGMA journal_mode`)[0]; after != "wal" {
				t.Errorf("the store is left in journal mode %q", after)
			}
			want := 300
			if tc.fail != nil {
				want = 0
			}
			if all, err := s.ListMembers(ctx); err != nil || len(all) != want {
				t.Fatalf("%d members (%v), want %d", len(all), err, want)
			}
			// The store goes on: a second import, and a send's claim.
			if _, err := s.ImportMembers(ctx, rowsOf(mem("late@example.org", "", member.StatusActive)), member.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
		})
	}
}
