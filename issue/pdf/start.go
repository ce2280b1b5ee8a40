package pdf

import (
	"context"
	"fmt"

	"codeberg.org/go-pdf/fpdf"
)

// pdfStart is an fpdf document with its page size, settings and the fonts
// of faces embedded, in Face order, and no pages yet.
type pdfStart struct {
	pdf   *fpdf.Fpdf
	faces [numFaces]bool
	err   error
}

// likelyFaces are the faces nearly every issue sets text in: body, its
// italic and bold, the sans of captions and headings, and the stars.
func likelyFaces() [numFaces]bool {
	var f [numFaces]bool
	for _, face := range []Face{Serif, SerifItalic, SerifBold, Sans, SansBold, Symbol} {
		f[face] = true
	}
	return f
}

// startPDF makes a document of w×h points with faces embedded; draw dates
// it. Parsing the font files is most of its cost. It stops early, with
// ctx's error, when ctx is done.
func startPDF(ctx context.Context, w, h float64, faces [numFaces]bool) *pdfStart {
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "pt", Size: fpdf.SizeType{Wd: w, Ht: h}})
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	st := &pdfStart{pdf: pdf, faces: faces}
	specs, err := faceSpecs()
	if err != nil {
		st.err = err
		return st
	}
	for f, ok := range faces {
		if !ok {
			continue
		}
		if err := ctx.Err(); err != nil {
			st.err = err
			return st
		}
		spec := specs[f]
		ttf, err := spec.font()
		if err != nil {
			st.err = err
			return st
		}
		pdf.AddUTF8FontFromBytes(spec.family, spec.style, ttf)
		if err := pdf.Error(); err != nil {
			st.err = fmt.Errorf("%w: %s: %w", ErrBadFont, spec.name, err)
			return st
		}
	}
	return st
}

// usedFaces are the faces the document sets text in; Serif always, as
// each page starts in it.
func (d *Document) usedFaces() [numFaces]bool {
	var used [numFaces]bool
	used[Serif] = true
	for _, p := range d.Pages {
		for i := range p.Items {
			if p.Items[i].Kind == KText {
				used[p.Items[i].Face] = true
			}
		}
	}
	return used
}
