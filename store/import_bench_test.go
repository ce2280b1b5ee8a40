package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

// BenchmarkImportMembers imports 100,000 members on each engine: into an
// empty store (the first import), and the same file again (the nightly
// re-import, where every row is looked up and none changes). bench/import.sh
// measures the whole command on a million.
func BenchmarkImportMembers(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine+"/new", func(b *testing.B) { benchImport(b, engine, false) })
		b.Run(engine+"/again", func(b *testing.B) { benchImport(b, engine, true) })
	}
}

func benchImport(b *testing.B, engine string, again bool) {
	const n = 100000
	ctx := context.Background()
	var s *store.Store
	if again {
		s = storetest.Open(b, engine)
		if _, err := s.ImportMembers(ctx, benchRows(n), member.ImportOptions{File: "bench.csv"}); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if !again {
			b.StopTimer()
			s = storetest.Open(b, engine)
			b.StartTimer()
		}
		rep, err := s.ImportMembers(ctx, benchRows(n), member.ImportOptions{File: "bench.csv"})
		if err != nil {
			b.Fatal(err)
		}
		if want := map[bool]int{false: rep.Added, true: rep.Unchanged}[again]; want != n {
			b.Fatalf("%+v", rep)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// benchRows are n members as a billing system's file would have them.
func benchRows(n int) func(func(member.ImportRow, error) bool) {
	tiers := []string{"print", "digital", "student"}
	return func(yield func(member.ImportRow, error) bool) {
		for i := range n {
			m := member.Member{Email: fmt.Sprintf("member%07d@example%d.org", i, i%97), Name: fmt.Sprintf("Member Number %d", i),
				Tier: tiers[i%3], Status: member.StatusActive}
			if !yield(member.ImportRow{Line: i + 2, Member: m, From: "active"}, nil) {
				return
			}
		}
	}
}
