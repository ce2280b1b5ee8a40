package newsletter

import "testing"

// BenchmarkRender measures one member's message of a 12-review issue, the
// per-member cost of a send (the goal is at most 200 µs).
func BenchmarkRender(b *testing.B) {
	e, err := newRenderer(b, Options{}).Edition(testIssue(b, b.TempDir(), 12))
	if err != nil {
		b.Fatal(err)
	}
	rc := member("Ana María López")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Render(rc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEdition measures the once-per-issue work, CSS inlining included.
func BenchmarkEdition(b *testing.B) {
	r := newRenderer(b, Options{})
	iss := testIssue(b, b.TempDir(), 12)
	for b.Loop() {
		if _, err := r.Edition(iss); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNew measures parsing and checking the templates, which every
// command that renders pays at start.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
