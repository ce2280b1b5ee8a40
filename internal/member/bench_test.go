package member_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foliopress/folio/internal/member"
)

// writeMembers writes a Folio members file of n rows.
func writeMembers(tb testing.TB, n int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "members.csv")
	var b strings.Builder
	b.WriteString("email,name,tier,status\n")
	tiers := []string{"print", "digital", "student"}
	for i := range n {
		st := "active"
		if i%20 == 0 {
			st = "paused"
		}
		fmt.Fprintf(&b, "member%07d@example%d.org,Member Number %d,%s,%s\n", i, i%97, i, tiers[i%3], st)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkCheck is the first pass of an import: every row read and
// validated, repeats found.
func BenchmarkCheck(b *testing.B) {
	path := writeMembers(b, 100000)
	for b.Loop() {
		sum, err := member.Check(opener(path), "members.csv", member.ReadOptions{})
		if err != nil || sum.Rows != 100000 {
			b.Fatal(err, sum.Rows)
		}
	}
	b.ReportMetric(float64(100000*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkValid is the second pass: the rows read again for the store.
func BenchmarkValid(b *testing.B) {
	path := writeMembers(b, 100000)
	sum, err := member.Check(opener(path), "members.csv", member.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		n := 0
		for _, err := range sum.Valid(opener(path)) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 100000 {
			b.Fatal(n)
		}
	}
	b.ReportMetric(float64(100000*b.N)/b.Elapsed().Seconds(), "rows/s")
}
