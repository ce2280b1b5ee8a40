package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// tool runs a poppler or qpdf command and returns its standard output. A
// missing tool fails the test: CI installs poppler-utils and qpdf.
func tool(t testing.TB, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s not found on PATH: install poppler-utils and qpdf (apt-get install -y poppler-utils qpdf)", name)
	}
	var out, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out.String(), stderr.String())
	}
	return out.String()
}

// built is a typeset test issue on disk.
type built struct {
	path string
	pdf  []byte
}

// shared holds what several tests read and none changes: the test issue
// typeset once (typesetting it under -race takes a second), in a folder
// TestMain removes.
var shared struct {
	sync.Mutex
	dir   string
	built map[Options]built
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "folio-pdf-test-")
	if err != nil {
		panic(err)
	}
	shared.dir = dir
	code := m.Run()
	if err := os.RemoveAll(dir); err != nil && code == 0 {
		code = 1
	}
	os.Exit(code)
}

// buildIssue typesets the test issue into a file, once per options for
// the whole test binary; callers must not change the file.
func buildIssue(t testing.TB, opts Options) built {
	t.Helper()
	shared.Lock()
	defer shared.Unlock()
	if b, ok := shared.built[opts]; ok {
		return b
	}
	dir, err := os.MkdirTemp(shared.dir, "issue-")
	if err != nil {
		t.Fatal(err)
	}
	iss := testIssue(t, dir)
	var buf bytes.Buffer
	if err := Typeset(&buf, iss, opts); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "issue.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if shared.built == nil {
		shared.built = map[Options]built{}
	}
	b := built{path: path, pdf: buf.Bytes()}
	shared.built[opts] = b
	return b
}

// pdfText is pdftotext's reading of pages first..last (0: all pages).
func pdfText(t testing.TB, path string, first, last int) string {
	t.Helper()
	args := []string{"-enc", "UTF-8"}
	if first > 0 {
		args = append(args, "-f", itoa(first), "-l", itoa(last))
	}
	return tool(t, "pdftotext", append(args, path, "-")...)
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(n)) }

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// normalize rejoins words the typesetter hyphenated at line ends and
// collapses every run of white space (including page breaks) to a space.
func normalize(s string) string {
	s = strings.ReplaceAll(s, "-\n", "")
	return strings.Join(strings.Fields(s), " ")
}

// furniture matches the running heads and page numbers in normalised
// pdftotext output: the words that interrupt a paragraph at a page turn.
var furniture = regexp.MustCompile(`\s*(page \d+ of \d+|Folio Weekly · [A-Za-z /]+?\s*Week of March 2, 2026)\s*`)

// bodyText is normalize without the running heads and page numbers.
func bodyText(s string) string {
	return strings.Join(strings.Fields(furniture.ReplaceAllString(normalize(s), " ")), " ")
}
