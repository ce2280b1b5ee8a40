package pdf

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// patchedDoc is a small document that uses every fpdf patch of ours: a
// file-backed JPEG, a form XObject, pages compressed in the background
// (one written to again after SetPage) and, when ahead, fonts subset
// ahead of a rune shown only after.
func patchedDoc(t *testing.T, photo string, ahead bool) *fpdf.Fpdf {
	t.Helper()
	specs, err := faceSpecs()
	if err != nil {
		t.Fatal(err)
	}
	spec := specs[Serif]
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "pt", Size: fpdf.SizeType{Wd: 300, Ht: 300}})
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	date := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	pdf.SetCreationDate(date)
	pdf.SetModificationDate(date)
	pdf.AddUTF8FontFromBytes(spec.family, spec.style, spec.ttf)
	pdf.RegisterJPEGFile("photo", photo)
	pdf.AddFormXObject("Box", [4]float64{0, 0, 10, 10}, []byte("0 0 10 10 re f"))
	for i := range 3 {
		pdf.AddPage()
		pdf.SetFont(spec.family, spec.style, 12)
		pdf.Text(20, 40, strings.Repeat("Page ", i+1)+"é")
		pdf.ImageOptions("photo", 20, 60, 100, 0, false, fpdf.ImageOptions{}, 0, "")
		pdf.RawWriteStr("q 1 0 0 1 200 200 cm /Box Do Q")
	}
	pdf.SetPage(1)
	pdf.Text(20, 200, "Back on page one")
	if ahead {
		pdf.SubsetFontsAhead()
	}
	pdf.SetPage(3)
	pdf.Text(20, 220, "A late rune: ß")
	return pdf
}

// writeNoise saves a JPEG of random pixels, which hardly compresses.
func writeNoise(t *testing.T, path string, w, h int) {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.IntN(256))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	if buf.Len() < 32<<10 {
		t.Fatalf("noise photo of %d bytes, want 32 KB or more", buf.Len())
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestStreamedOutputMatchesBuffered: Output streams the document to its
// writer as it closes it (our fpdf patch); the bytes are those of a
// document closed first and written from memory, with its fonts subset
// at the end (so a rune shown after subsetting ahead is not lost), and
// the photo's bytes are copied in whole from its file.
func TestStreamedOutputMatchesBuffered(t *testing.T) {
	photo := filepath.Join(t.TempDir(), "p.jpg")
	writeNoise(t, photo, 300, 300) // over 32 KB: streamed from the file
	var streamed bytes.Buffer
	if err := patchedDoc(t, photo, true).Output(&streamed); err != nil {
		t.Fatal(err)
	}
	closedFirst := patchedDoc(t, photo, false)
	closedFirst.Close()
	var buffered bytes.Buffer
	if err := closedFirst.Output(&buffered); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(streamed.Bytes(), buffered.Bytes()) {
		t.Fatal("the streamed document differs from the buffered one")
	}
	jpg, err := os.ReadFile(photo)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(streamed.Bytes(), jpg) {
		t.Error("the photo's bytes are not in the document as they are in its file")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, streamed.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tool(t, "qpdf", "--check", path)
	text := tool(t, "pdftotext", path, "-")
	for _, want := range []string{"Page Page Page é", "Back on page one", "A late rune: ß"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext lacks %q:\n%s", want, text)
		}
	}
}

// TestPassThroughPhotoIsCopiedFromItsFile: a JPEG fit to print is neither
// read into memory nor re-encoded: its file's bytes are the image's.
func TestPassThroughPhotoIsCopiedFromItsFile(t *testing.T) {
	iss := testIssue(t, t.TempDir())
	var out bytes.Buffer
	if err := Typeset(&out, iss, Options{}); err != nil {
		t.Fatal(err)
	}
	doc, err := Layout(iss, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ref := range doc.Photos {
		if !ref.embedsAsIs() {
			continue
		}
		n++
		jpg, err := os.ReadFile(ref.Path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(out.Bytes(), jpg) {
			t.Errorf("photo %s is not embedded byte for byte", ref.Path)
		}
	}
	if n == 0 {
		t.Fatal("no photo of the test issue is embedded as it is")
	}
}

// TestTypesetterClosesWithoutTypesetting: a Typesetter prepared and closed
// unused ends its goroutine and closes LaidOut; one prepared for a bad
// page size reports it when asked to typeset.
func TestTypesetterClosesWithoutTypesetting(t *testing.T) {
	ts := Prepare(context.Background(), Options{})
	ts.Close()
	select {
	case <-ts.LaidOut():
	default:
		t.Error("LaidOut still open after Close")
	}
	iss := testIssue(t, t.TempDir())
	err := Prepare(context.Background(), Options{PageSize: "tabloid"}).Typeset(&bytes.Buffer{}, iss)
	if !errors.Is(err, ErrPageSize) {
		t.Errorf("Typeset(tabloid) = %v, want ErrPageSize", err)
	}
}
