package pdf

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf16"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Draw renders the laid-out document as a PDF dated date (creation and
// modification), so the same document gives the same bytes.
func (d *Document) Draw(w io.Writer, date time.Time) error {
	if d.fonts == nil { // a Document not made by Layout
		fs, err := loadFonts()
		if err != nil {
			return err
		}
		d.fonts = fs
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "pt", Size: fpdf.SizeType{Wd: d.Width, Ht: d.Height}})
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
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

	dr := &drawer{pdf: pdf, fs: d.fonts, face: 255}
	if err := dr.addFonts(d); err != nil {
		return err
	}
	dr.teachRunes(d)
	for i, ref := range d.Photos {
		data, tp, err := preparePhoto(ref)
		if err != nil {
			return err
		}
		pdf.RegisterImageOptionsReader(photoName(i), fpdf.ImageOptions{ImageType: tp}, bytes.NewReader(data))
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
			if it.Kind == KText && !it.Invisible {
				if !dr.run.fits(it) {
					dr.run.flush(pdf)
					dr.setFont(it.Face, it.Size)
				}
				dr.run.add(it, d.Height)
				continue
			}
			dr.run.flush(pdf)
			dr.item(*it, d)
		}
		dr.run.flush(pdf)
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
	buf   sfnt.Buffer
	run   textRun
}

// addFonts embeds the faces the document uses, and only those.
func (dr *drawer) addFonts(d *Document) error {
	var used [numFaces]bool
	used[Serif] = true
	for _, p := range d.Pages {
		for _, it := range p.Items {
			if it.Kind == KText {
				used[it.Face] = true
			}
		}
	}
	for f, ok := range used {
		if !ok {
			continue
		}
		spec := dr.fs.f[f].spec
		dr.pdf.AddUTF8FontFromBytes(spec.family, spec.style, spec.ttf)
		if err := dr.pdf.Error(); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrBadFont, spec.name, err)
		}
	}
	return nil
}

// teachRunes tells fpdf every rune each face shows, so that its font
// subsets hold them: text runs are written raw, and only fpdf's own text
// calls record runes. A template shares the document's fonts, so text set
// in it (and the template then dropped) records the runes and draws
// nothing. It must run before the first SetFont on a page: a template
// that starts in the font it is asked for would skip the switch.
func (dr *drawer) teachRunes(d *Document) {
	var seen [numFaces]map[rune]bool
	var text [numFaces][]rune
	for _, p := range d.Pages {
		for i := range p.Items {
			it := &p.Items[i]
			if it.Kind != KText {
				continue
			}
			if seen[it.Face] == nil {
				seen[it.Face] = map[rune]bool{}
			}
			for _, r := range it.Text {
				if !seen[it.Face][r] {
					seen[it.Face][r] = true
					text[it.Face] = append(text[it.Face], r)
				}
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
			pdf.Text(it.X, it.Y, it.Text)
			pdf.SetTextRenderingMode(0)
			return
		}
		pdf.Text(it.X, it.Y, it.Text)
	case KOutline:
		dr.outline(it)
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
		} else if it.Target > 0 && it.Target <= len(d.Pages) {
			k := linkKey{it.Target, it.TargetY}
			id, ok := dr.links[k]
			if !ok {
				id = pdf.AddLink()
				pdf.SetLink(id, it.TargetY, it.Target)
				dr.links[k] = id
			}
			pdf.Link(it.X, it.Y, it.W, it.H, id)
		}
	case KSpanBegin:
		pdf.RawWriteStr("/Span <</ActualText <" + utf16Hex(it.Actual) + ">>> BDC")
	case KSpanEnd:
		pdf.RawWriteStr("EMC")
	}
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

// outline fills each glyph's outline as a path, so the text is seen but
// not extracted: running heads stay out of the article's sentences.
func (dr *drawer) outline(it Item) {
	pdf := dr.pdf
	fd := dr.fs.f[it.Face]
	pdf.SetFillColor(int(it.Color.R), int(it.Color.G), int(it.Color.B))
	ppem := fd.upem << 6
	scale := it.Size / float64(ppem)
	x := it.X
	for _, r := range it.Text {
		adv, _ := fd.advance(r)
		gi, err := fd.sf.GlyphIndex(&dr.buf, r)
		if err == nil && gi != 0 {
			segs, err := fd.sf.LoadGlyph(&dr.buf, gi, ppem, nil)
			if err == nil && len(segs) > 0 {
				dr.path(segs, x, it.Y, scale)
			}
		}
		x += float64(adv) * it.Size / 1000
	}
}

func (dr *drawer) path(segs []sfnt.Segment, x, y, scale float64) {
	pdf := dr.pdf
	pt := func(p fixed.Point26_6) (float64, float64) {
		return x + float64(p.X)*scale, y + float64(p.Y)*scale
	}
	open := false
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			if open {
				pdf.ClosePath()
			}
			pdf.MoveTo(pt(s.Args[0]))
			open = true
		case sfnt.SegmentOpLineTo:
			pdf.LineTo(pt(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			cx, cy := pt(s.Args[0])
			ex, ey := pt(s.Args[1])
			pdf.CurveTo(cx, cy, ex, ey)
		case sfnt.SegmentOpCubeTo:
			c1x, c1y := pt(s.Args[0])
			c2x, c2y := pt(s.Args[1])
			ex, ey := pt(s.Args[2])
			pdf.CurveBezierCubicTo(c1x, c1y, c2x, c2y, ex, ey)
		}
	}
	if open {
		pdf.ClosePath()
		pdf.DrawPath("F")
	}
}
