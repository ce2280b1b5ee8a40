package pdf

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestTypesetWritesPDF(t *testing.T) {
	dir := t.TempDir()
	iss := testIssue(t, dir)
	var buf bytes.Buffer
	if err := Typeset(&buf, iss, Options{PageSize: os.Getenv("FOLIO_PDF_SIZE")}); err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("FOLIO_PDF_OUT"); out != "" {
		if err := os.WriteFile(filepath.Clean(out), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("output does not start with %%PDF-")
	}
}
