package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/store/storetest"
)

// indexes lists the indexes of the import's tables with their
// definitions, read straight from the database at target.
func indexes(t *testing.T, engine, target string) []string {
	t.Helper()
	if engine == "postgres" {
		return queryStrings(t, "pgx", target, `SELECT indexname || ': ' || indexdef FROM pg_indexes
			WHERE schemaname = current_schema() AND tablename IN ('members', 'member_history') ORDER BY indexname`)
	}
	return queryStrings(t, "sqlite", target, `SELECT name || ': ' || COALESCE(sql, '') FROM sqlite_master
		WHERE type = 'index' AND tbl_name IN ('members', 'member_history') ORDER BY name`)
}

// TestFirstImportRebuildsItsIndexes: an import into an empty store drops
// the member tables' secondary indexes and builds them again once the
// rows are in; the store ends with the very indexes it had, after a
// failed first import too, and they answer queries.
func TestFirstImportRebuildsItsIndexes(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			s, target := openTarget(t, engine)
			before := indexes(t, engine, target)
			if len(before) < 4 {
				t.Fatalf("indexes before: %v", before)
			}
			rows := func(fail bool) func(func(member.ImportRow, error) bool) {
				return func(yield func(member.ImportRow, error) bool) {
					for i := range 300 {
						m := mem(fmt.Sprintf("m%03d@example.org", i), "print", member.StatusActive)
						m.Name = fmt.Sprintf("Reader %03d", i)
						if !yield(member.ImportRow{Line: i + 2, Member: m, From: "active"}, nil) {
							return
						}
					}
					if fail {
						yield(member.ImportRow{}, errors.New("the file was cut short"))
					}
				}
			}
			if _, err := s.ImportMembers(ctx, rows(true), member.ImportOptions{File: "cut.csv"}); err == nil {
				t.Fatal("a failing import succeeded")
			}
			if got := indexes(t, engine, target); !slices.Equal(got, before) {
				t.Errorf("after a failed first import the indexes are\n%v\nwant\n%v", got, before)
			}
			rep, err := s.ImportMembers(ctx, rows(false), member.ImportOptions{File: "members.csv"})
			if err != nil || rep.Added != 300 {
				t.Fatalf("import: %+v %v", rep, err)
			}
			if got := indexes(t, engine, target); !slices.Equal(got, before) {
				t.Errorf("after the first import the indexes are\n%v\nwant\n%v", got, before)
			}
			// The rebuilt name index serves the console's search.
			found, err := s.SearchMembers(ctx, "Reader 04", 50)
			if err != nil {
				t.Fatal(err)
			}
			if len(found) != 10 {
				t.Errorf("search for \"Reader 04\" found %d members, want 10", len(found))
			}
		})
	}
}
