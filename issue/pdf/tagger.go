package pdf

import (
	"fmt"
	"html"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// tagger writes the document's logical structure while it is drawn:
// every item is inside a marked-content sequence of its structure element,
// or inside an artifact. An element is made in fpdf when its first item is
// drawn (its parents first), so elements take their places in the
// structure tree in the order they are drawn, which is reading order,
// and elements that nothing draws (a layout tried and dropped) never
// appear.
type tagger struct {
	pdf  *fpdf.Fpdf
	doc  *Document
	ids  []int // fpdf's id of each of doc.Elems, 0 until made
	open bool
	cur  int32  // the element of the open sequence; 0: an artifact
	kind string // the open artifact's kind
}

func newTagger(pdf *fpdf.Fpdf, d *Document) *tagger {
	return &tagger{pdf: pdf, doc: d, ids: make([]int, len(d.Elems)+1)}
}

// artifactKind is what kind of artifact an item of no element is: a
// running head, a page number, or the page's ornaments.
func artifactKind(it *Item, pageH float64) string {
	switch {
	case it.Furniture && it.Y < pageH/2:
		return "Header"
	case it.Furniture:
		return "Footer"
	}
	return "Layout"
}

// within reports whether it belongs in the sequence open now.
func (tg *tagger) within(it *Item, pageH float64) bool {
	if !tg.open || it.Elem != tg.cur {
		return false
	}
	return it.Elem != 0 || artifactKind(it, pageH) == tg.kind
}

// enter closes the open sequence and opens it's.
func (tg *tagger) enter(it *Item, pageH float64) {
	tg.close()
	tg.open, tg.cur = true, it.Elem
	if it.Elem == 0 {
		tg.kind = artifactKind(it, pageH)
		if tg.kind == "Layout" {
			tg.pdf.BeginArtifact("Layout", "")
		} else {
			tg.pdf.BeginArtifact("Pagination", tg.kind)
		}
		return
	}
	props := ""
	if e := tg.doc.Elems[it.Elem-1]; e.Actual != "" {
		props = " /ActualText <" + utf16Hex(e.Actual) + ">"
	}
	tg.pdf.BeginMarkedContent(tg.id(it.Elem), props)
}

// close ends the open sequence, if any (at the end of a page).
func (tg *tagger) close() {
	if tg.open {
		tg.pdf.EndMarkedContent()
		tg.open = false
	}
}

// id is fpdf's id of element e, made (with its parents) on first use.
func (tg *tagger) id(e int32) int {
	if e <= 0 {
		return 0
	}
	if tg.ids[e] != 0 {
		return tg.ids[e]
	}
	el := tg.doc.Elems[e-1]
	parent := tg.id(el.Parent)
	opts := fpdf.StructOptions{Alt: el.Alt, ActualText: el.Actual}
	if el.LineThrough {
		opts.Attributes = "<</O /Layout /TextDecorationType /LineThrough>>"
	}
	tg.ids[e] = tg.pdf.StructElem(el.Type, parent, opts)
	return tg.ids[e]
}

// link ties the link annotation just put to the item's Link element.
func (tg *tagger) link(it *Item, contents string) {
	if it.Elem != 0 {
		tg.pdf.TagLink(tg.id(it.Elem), contents)
	}
}

// xmpPacket is the document's XMP metadata: its title, author, subject
// and dates, as in its information dictionary, and the PDF/UA-1
// identification (pdfuaid:part 1).
func xmpPacket(m Meta, date time.Time) []byte {
	esc := html.EscapeString
	// The same instant as the information dictionary's dates, with its zone.
	d := date.Format("2006-01-02T15:04:05-07:00")
	var sb strings.Builder
	sb.WriteString("<?xpacket begin=\"\ufeff\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n")
	sb.WriteString(`<x:xmpmeta xmlns:x="adobe:ns:meta/">` + "\n")
	sb.WriteString(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` + "\n")
	fmt.Fprintf(&sb, `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">`+"\n")
	fmt.Fprintf(&sb, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:title>\n", esc(m.Title))
	fmt.Fprintf(&sb, "<dc:creator><rdf:Seq><rdf:li>%s</rdf:li></rdf:Seq></dc:creator>\n", esc(m.Author))
	fmt.Fprintf(&sb, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:description>\n", esc(m.Subject))
	fmt.Fprintf(&sb, "<dc:language><rdf:Bag><rdf:li>%s</rdf:li></rdf:Bag></dc:language>\n", esc(m.Language))
	fmt.Fprintf(&sb, "<pdf:Keywords>%s</pdf:Keywords>\n<pdf:Producer>Folio (fpdf)</pdf:Producer>\n", esc(m.Keywords))
	fmt.Fprintf(&sb, "<xmp:CreatorTool>Folio</xmp:CreatorTool>\n<xmp:CreateDate>%s</xmp:CreateDate>\n<xmp:ModifyDate>%s</xmp:ModifyDate>\n<xmp:MetadataDate>%s</xmp:MetadataDate>\n", d, d, d)
	sb.WriteString("<pdfuaid:part>1</pdfuaid:part>\n")
	sb.WriteString("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>")
	return []byte(sb.String())
}
