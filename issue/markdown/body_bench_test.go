package markdown

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParseBody measures the body of one of bench/pdf.sh's reviews
// (some 1,800 words), read from testdata.
func BenchmarkParseBody(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("testdata", "bench-body.md"))
	if err != nil {
		b.Fatal(err)
	}
	p := newBodyParser()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if blocks := p.Parse(src); len(blocks) == 0 {
			b.Fatal("no blocks")
		}
	}
}
