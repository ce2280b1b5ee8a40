package pdf

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf16"

	"codeberg.org/go-pdf/fpdf"
)

// Draw renders the laid-out document as a PDF dated date (creation and
// modification), so the same document gives the same bytes.
func (d *Document) Draw(w io.Writer, date time.Time) error {
	return d.draw(w, date, nil)
}

// draw renders the document, carrying on from st when st embedded exactly
// the faces the document uses.
func (d *Document) draw(w io.Writer, date time.Time, st *pdfStart) error {
	if d.fonts == nil { // a Document not made by Layout
		fs, err := loadFonts()
		if err != nil {
			return err
		}
		d.fonts = fs
	}
	used := d.usedFaces()
	if st == nil || st.err != nil || st.faces != used {
		st = startPDF(context.Background(), d.Width, d.Height, used)
		if st.err != nil {
			return st.err
		}
	}
	pdf := st.pdf
	pdf.SetCreationDate(date)
	pdf.SetModificationDate(date)
	pdf.SetTitle(d.Meta.Title, true)
	pdf.SetAuthor(d.Meta.Author, true)
	pdf.SetSubject(d.Meta.Subject, true)
	pdf.SetKeywords(d.Meta.Keywords, true)
	pdf.SetCreator("Folio", true)
	pdf.SetProducer("Folio (fpdf)", true)
	pdf.SetLang(d.Meta.Language)
	pdf.SetDisplayMode("fullpage", "TwoPageRight")
	pdf.SetTagged(true)
	pdf.SetXmpMetadata(xmpPacket(d.Meta, date))

	dr := &drawer{pdf: pdf, fs: d.fonts, face: 255, tags: newTagger(pdf, d)}
	dr.teachRunes(d)
	// Every rune is known now: the font subsets are cut on the other core
	// while the pages are drawn (our fpdf patch).
	pdf.SubsetFontsAhead()
	for i, ref := range d.Photos {
		if ref.embedsAsIs() {
			// Only the header is read: Output copies the file (our patch).
			pdf.RegisterJPEGFile(photoName(i), ref.Path)
			if err := pdf.Error(); err != nil {
				return photoErr(ref, err)
			}
			continue
		}
		data, tp, err := preparePhoto(ref)
		if err != nil {
			return err
		}
		// A bytes.Buffer hands fpdf the bytes without a copy (our patch).
		pdf.RegisterImageOptionsReader(photoName(i), fpdf.ImageOptions{ImageType: tp}, bytes.NewBuffer(data))
		if err := pdf.Error(); err != nil {
			return photoErr(ref, err)
		}
	}
	dr.links = map[linkKey]int{}
	for _, p := range d.Pages {
		pdf.AddPage()
		dr.face = 255 // fpdf forgets nothing, but a new page needs Tf again
		dr.setFont(Serif, 10)
		for _, b := range p.Bookmarks {
			pdf.Bookmark(b.Title, b.Level, b.Y)
		}
		for i := range p.Items {
			it := &p.Items[i]
			if !dr.tags.within(it, d.Height) {
				// Marked content changes: what is written so far belongs
				// to the sequence now closing.
				dr.run.flush(pdf)
				dr.tags.enter(it, d.Height)
			}
			if it.Kind == KText && !it.Invisible {
				if !dr.run.fits(it) {
					dr.run.flush(pdf)
					dr.setFont(it.Face, it.Size)
				}
				dr.run.add(it, d.Height, dr.fs.f[it.Face])
				continue
			}
			dr.run.flush(pdf)
			dr.item(*it, d)
		}
		dr.run.flush(pdf)
		dr.tags.close()
		if err := pdf.Error(); err != nil {
			return fmt.Errorf("pdf: draw page %d: %w", p.Number, err)
		}
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("pdf: write: %w", err)
	}
	return nil
}

func photoName(i int) string { return fmt.Sprintf("photo%d", i) }

// linkKey is an internal link's destination: a page and a y on it.
type linkKey struct {
	page int
	y    float64
}

type drawer struct {
	pdf   *fpdf.Fpdf
	links map[linkKey]int
	fs    *fontSet
	face  Face
	size  float64
	run   textRun
	tags  *tagger
}

// teachRunes tells fpdf every rune each face shows, so that its font
// subsets hold them: text runs are written raw, and only fpdf's own text
// calls record runes. A template shares the document's fonts, so text set
// in it (and the template then dropped) records the runes and draws
// nothing. It must run before the first SetFont on a page: a template
// that starts in the font it is asked for would skip the switch.
func (dr *drawer) teachRunes(d *Document) {
	// Runes below lowRunes (nearly all) are marked in an array per face,
	// the rest in a map: a map lookup for every rune of the issue cost
	// more than the rest of the pass.
	var low [numFaces]*[lowRunes]bool
	var seen [numFaces]map[rune]bool
	var text [numFaces][]rune
	for _, p := range d.Pages {
		for i := range p.Items {
			it := &p.Items[i]
			if it.Kind != KText {
				continue
			}
			if low[it.Face] == nil {
				low[it.Face], seen[it.Face] = new([lowRunes]bool), map[rune]bool{}
			}
			lo, hi := low[it.Face], seen[it.Face]
			for _, r := range it.Text {
				if r > 0xFFFF {
					r = 0xFFFD // as text runs write it
				}
				if r >= 0 && r < lowRunes {
					if lo[r] {
						continue
					}
					lo[r] = true
				} else if hi[r] {
					continue
				} else {
					hi[r] = true
				}
				text[it.Face] = append(text[it.Face], r)
			}
		}
	}
	dr.pdf.CreateTemplate(func(t *fpdf.Tpl) {
		for f, rs := range text {
			if len(rs) == 0 {
				continue
			}
			spec := dr.fs.f[f].spec
			t.SetFont(spec.family, spec.style, 10)
			t.Text(0, 10, string(rs))
		}
	})
}

func (dr *drawer) setFont(f Face, size float64) {
	if f == dr.face && size == dr.size {
		return
	}
	spec := dr.fs.f[f].spec
	dr.pdf.SetFont(spec.family, spec.style, size)
	dr.face, dr.size = f, size
}

func (dr *drawer) item(it Item, d *Document) {
	pdf := dr.pdf
	switch it.Kind {
	case KText:
		dr.setFont(it.Face, it.Size)
		pdf.SetTextColor(int(it.Color.R), int(it.Color.G), int(it.Color.B))
		if it.Invisible {
			pdf.SetTextRenderingMode(3)
			pdf.Text(it.X, it.Y, bmpOnly(it.Text))
			pdf.SetTextRenderingMode(0)
			return
		}
		pdf.Text(it.X, it.Y, bmpOnly(it.Text))
	case KImage:
		if it.Clip {
			pdf.ClipRect(it.CX, it.CY, it.CW, it.CH, false)
		}
		pdf.ImageOptions(photoName(it.Photo), it.X, it.Y, it.W, it.H, false, fpdf.ImageOptions{AllowNegativePosition: true}, 0, "")
		if it.Clip {
			pdf.ClipEnd()
		}
	case KRule:
		pdf.SetDrawColor(int(it.Color.R), int(it.Color.G), int(it.Color.B))
		pdf.SetLineWidth(it.Stroke)
		pdf.Line(it.X, it.Y, it.X+it.W, it.Y+it.H)
	case KRect:
		if it.Alpha > 0 {
			pdf.SetAlpha(it.Alpha, "Normal")
		}
		pdf.SetFillColor(int(it.Color.R), int(it.Color.G), int(it.Color.B))
		pdf.Rect(it.X, it.Y, it.W, it.H, "F")
		if it.Alpha > 0 {
			pdf.SetAlpha(1, "Normal")
		}
	case KLink:
		if it.URL != "" {
			pdf.LinkString(it.X, it.Y, it.W, it.H, it.URL)
			dr.tags.link(&it, displayURL(it.URL))
		} else if it.Target > 0 && it.Target <= len(d.Pages) {
			k := linkKey{it.Target, it.TargetY}
			id, ok := dr.links[k]
			if !ok {
				id = pdf.AddLink()
				pdf.SetLink(id, it.TargetY, it.Target)
				dr.links[k] = id
			}
			pdf.Link(it.X, it.Y, it.W, it.H, id)
			dr.tags.link(&it, fmt.Sprintf("Go to page %d", it.Target))
		}
	case KSpanBegin:
		pdf.RawWriteStr("/Span <</ActualText <" + utf16Hex(it.Actual) + ">>> BDC")
	case KSpanEnd:
		pdf.RawWriteStr("EMC")
	}
}

// bmpOnly replaces runes beyond the Basic Multilingual Plane, which fpdf
// can neither encode nor subset (a rune such as 😀 made its font writer
// index past its 64K table), with U+FFFD, as text runs do.
func bmpOnly(s string) string {
	for _, r := range s {
		if r > 0xFFFF {
			return strings.Map(func(r rune) rune {
				if r > 0xFFFF {
					return 0xFFFD
				}
				return r
			}, s)
		}
	}
	return s
}

// utf16Hex encodes s as a PDF text string in hex: a BOM, then UTF-16BE.
func utf16Hex(s string) string {
	var sb strings.Builder
	sb.WriteString("FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&sb, "%04X", u)
	}
	return sb.String()
}
