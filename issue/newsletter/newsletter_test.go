package newsletter

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestGolden(t *testing.T) {
	iss := testIssue(t, t.TempDir(), 12)
	e, err := newRenderer(t, Options{}).Edition(iss)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := e.Render(member("Ana María López"))
	if err != nil {
		t.Fatal(err)
	}
	web, err := e.WebPage()
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]string{"email.html": msg.HTML, "email.txt": msg.Text, "web.html": string(web), "subject.txt": e.Subject() + "\n"} {
		path := filepath.Join("testdata", "golden", name)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if string(want) != got {
			t.Errorf("%s differs from %s; run go test -update and review the diff", name, path)
		}
	}
}
