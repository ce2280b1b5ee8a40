// Folio: tagged PDF. A document that calls SetTagged gets a logical
// structure (ISO 32000-1 §14.7, as PDF/UA-1 requires it): a structure
// tree of elements built with StructElem, marked-content sequences tied
// to them with BeginMarkedContent (each gets an MCID, recorded in the
// parent tree), artifacts with BeginArtifact, link annotations that are
// objects of their own with a /StructParent and /Contents (TagLink), and
// in the catalog /MarkInfo, /StructTreeRoot and /ViewerPreferences
// /DisplayDocTitle. Elements take their place among their parent's kids
// in the order they are made, which is the document's reading order.

package fpdf

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// StructOptions are the optional entries of a structure element.
type StructOptions struct {
	Alt        string // alternate description (a Figure's)
	ActualText string // replacement text
	Lang       string // language, when it differs from the document's
	Title      string // /T
	// Attributes is a raw attribute dictionary or array, written as /A,
	// e.g. "<</O /Layout /TextDecorationType /LineThrough>>".
	Attributes string
}

// structKid is one kid of an element: a marked-content sequence (page,
// mcid), another element (elem) or a link annotation (annot).
type structKid struct {
	page, mcid int
	elem       int
	annot      int // 1 + the index of the annotation in pageLinks[page]; 0 for none
}

type structElem struct {
	typ    string
	parent int // 0: the structure tree root
	opts   StructOptions
	kids   []structKid
}

// tagState is a tagged document's structure, kept apart from the rest.
type tagState struct {
	on     bool
	elems  []structElem // element i has id i+1
	roots  []int        // the root's kids, in order
	mcids  map[int][]int
	depth  int // open marked-content sequences on the page
	annots int // link annotations tied to elements so far
	// set while writing: the pages' parent-tree keys, the root's object
	pageKeys map[int]int
	rootObj  int
}

// SetTagged makes the document a tagged PDF, and so a PDF 1.7 one: the
// structure's entries (/MarkInfo, /Tabs, /Metadata) are not all in earlier
// versions, and PDF/UA-1 builds on ISO 32000-1.
func (f *Fpdf) SetTagged(on bool) {
	f.tag.on = on
	if v := pdfVersionFrom(1, 7); on && f.pdfVersion < v {
		f.pdfVersion = v
	}
}

// StructElem adds a structure element of type typ ("Document", "P",
// "H1", "Figure", …) as the last kid of parent (0: the root) and returns
// its id.
func (f *Fpdf) StructElem(typ string, parent int, opts StructOptions) int {
	f.tag.elems = append(f.tag.elems, structElem{typ: typ, parent: parent, opts: opts})
	id := len(f.tag.elems)
	if parent <= 0 || parent > len(f.tag.elems) {
		f.tag.roots = append(f.tag.roots, id)
	} else {
		p := &f.tag.elems[parent-1]
		p.kids = append(p.kids, structKid{elem: id})
	}
	return id
}

// BeginMarkedContent opens on the current page a marked-content sequence
// that belongs to element elem, with the element's type as its tag, and
// returns its MCID. props, when not empty, are more entries of its
// property list, such as "/ActualText (…)". Close it with
// EndMarkedContent.
func (f *Fpdf) BeginMarkedContent(elem int, props string) int {
	if elem <= 0 || elem > len(f.tag.elems) {
		f.SetErrorf("fpdf: marked content for unknown structure element %d", elem)
		return -1
	}
	if f.tag.mcids == nil {
		f.tag.mcids = map[int][]int{}
	}
	mcid := len(f.tag.mcids[f.page])
	f.tag.mcids[f.page] = append(f.tag.mcids[f.page], elem)
	e := &f.tag.elems[elem-1]
	e.kids = append(e.kids, structKid{page: f.page, mcid: mcid})
	f.out("/" + e.typ + " <</MCID " + strconv.Itoa(mcid) + props + ">> BDC")
	f.tag.depth++
	return mcid
}

// EndMarkedContent closes the last marked-content sequence or artifact.
func (f *Fpdf) EndMarkedContent() {
	if f.tag.depth == 0 {
		f.SetErrorf("fpdf: EndMarkedContent with none open")
		return
	}
	f.out("EMC")
	f.tag.depth--
}

// BeginArtifact opens an artifact: content that is not part of the
// document's text, such as a running head (typ "Pagination", subtype
// "Header"), a page number ("Pagination", "Footer") or an ornament
// ("Layout", ""). An empty typ opens a plain /Artifact sequence.
func (f *Fpdf) BeginArtifact(typ, subtype string) {
	switch {
	case typ == "":
		f.out("/Artifact BMC")
	case subtype == "":
		f.out("/Artifact <</Type /" + typ + ">> BDC")
	default:
		f.out("/Artifact <</Type /" + typ + " /Subtype /" + subtype + ">> BDC")
	}
	f.tag.depth++
}

// TagLink ties the last link annotation put on the current page (Link,
// LinkString) to element elem, a Link element, and gives it contents, its
// description for assistive technology.
func (f *Fpdf) TagLink(elem int, contents string) {
	links := f.pageLinks[f.page]
	if len(links) == 0 || elem <= 0 || elem > len(f.tag.elems) {
		f.SetErrorf("fpdf: TagLink without a link or element")
		return
	}
	l := &links[len(links)-1]
	l.elem, l.contents = elem, contents
	f.tag.annots++
	e := &f.tag.elems[elem-1]
	e.kids = append(e.kids, structKid{page: f.page, annot: len(links)})
}

// tagPageKeys numbers the pages that have marked content: their
// /StructParents keys, in page order from 0. Link annotations tied to
// elements are numbered after them, in page order.
func (f *Fpdf) tagPageKeys(nb int) map[int]int {
	keys := map[int]int{}
	next := 0
	for n := 1; n <= nb; n++ {
		if len(f.tag.mcids[n]) > 0 {
			keys[n] = next
			next++
		}
	}
	for n := 1; n <= nb; n++ {
		for i := range f.pageLinks[n] {
			if l := &f.pageLinks[n][i]; l.elem > 0 {
				l.structParent = next
				next++
			}
		}
	}
	return keys
}

// pageObj is the object number of page n, as putpages numbers them.
func pageObj(n int) int { return 1 + 2*n }

// putStructTree writes the structure tree: the root, every element and
// the parent tree, and returns the root's object number.
func (f *Fpdf) putStructTree(pageKeys map[int]int) int {
	root := f.n + 1
	first := root + 1 // element i is object first+i-1
	elemObj := func(id int) int { return first + id - 1 }
	parentTree := first + len(f.tag.elems)
	f.newobj()
	var sb strings.Builder
	sb.WriteString("<</Type /StructTreeRoot /K [")
	for i, id := range f.tag.roots {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(strconv.Itoa(elemObj(id)) + " 0 R")
	}
	sb.WriteString("] /ParentTree " + strconv.Itoa(parentTree) + " 0 R")
	sb.WriteString(" /ParentTreeNextKey " + strconv.Itoa(len(pageKeys)+f.tag.annots) + ">>")
	f.out(sb.String())
	f.out("endobj")
	for i, e := range f.tag.elems {
		f.newobj()
		sb.Reset()
		sb.WriteString("<</Type /StructElem /S /" + e.typ + " /P ")
		if e.parent > 0 {
			sb.WriteString(strconv.Itoa(elemObj(e.parent)) + " 0 R")
		} else {
			sb.WriteString(strconv.Itoa(root) + " 0 R")
		}
		pg := 0
		for _, k := range e.kids {
			if k.elem == 0 && k.annot == 0 {
				pg = k.page
				break
			}
		}
		if pg > 0 {
			sb.WriteString(" /Pg " + strconv.Itoa(pageObj(pg)) + " 0 R")
		}
		sb.WriteString(" /K [")
		for j, k := range e.kids {
			if j > 0 {
				sb.WriteByte(' ')
			}
			switch {
			case k.elem > 0:
				sb.WriteString(strconv.Itoa(elemObj(k.elem)) + " 0 R")
			case k.annot > 0:
				obj := f.pageLinks[k.page][k.annot-1].obj
				sb.WriteString("<</Type /OBJR /Obj " + strconv.Itoa(obj) + " 0 R /Pg " + strconv.Itoa(pageObj(k.page)) + " 0 R>>")
			case k.page == pg:
				sb.WriteString(strconv.Itoa(k.mcid))
			default:
				sb.WriteString("<</Type /MCR /Pg " + strconv.Itoa(pageObj(k.page)) + " 0 R /MCID " + strconv.Itoa(k.mcid) + ">>")
			}
		}
		sb.WriteString("]")
		if e.opts.Alt != "" {
			sb.WriteString(" /Alt " + f.utf8string(e.opts.Alt))
		}
		if e.opts.ActualText != "" {
			sb.WriteString(" /ActualText " + f.utf8string(e.opts.ActualText))
		}
		if e.opts.Lang != "" {
			sb.WriteString(" /Lang " + f.textstring(e.opts.Lang))
		}
		if e.opts.Title != "" {
			sb.WriteString(" /T " + f.utf8string(e.opts.Title))
		}
		if e.opts.Attributes != "" {
			sb.WriteString(" /A " + e.opts.Attributes)
		}
		sb.WriteString(">>")
		f.out(sb.String())
		f.out("endobj")
		_ = i
	}
	// The parent tree: each page's key maps to the elements of its MCIDs,
	// in MCID order; each tied annotation's key to its element.
	type entry struct {
		key int
		val string
	}
	var nums []entry
	for page, key := range pageKeys {
		var v strings.Builder
		v.WriteByte('[')
		for j, id := range f.tag.mcids[page] {
			if j > 0 {
				v.WriteByte(' ')
			}
			v.WriteString(strconv.Itoa(elemObj(id)) + " 0 R")
		}
		v.WriteByte(']')
		nums = append(nums, entry{key, v.String()})
	}
	for n := 1; n < len(f.pageLinks); n++ {
		for _, l := range f.pageLinks[n] {
			if l.elem > 0 {
				nums = append(nums, entry{l.structParent, strconv.Itoa(elemObj(l.elem)) + " 0 R"})
			}
		}
	}
	sort.Slice(nums, func(i, j int) bool { return nums[i].key < nums[j].key })
	f.newobj()
	sb.Reset()
	sb.WriteString("<</Nums [")
	for i, e := range nums {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(strconv.Itoa(e.key) + " " + e.val)
	}
	sb.WriteString("]>>")
	f.out(sb.String())
	f.out("endobj")
	return root
}

// putTaggedLinks writes a tagged document's link annotations as objects,
// numbered as putpages announced them.
func (f *Fpdf) putTaggedLinks(nb int, hPt float64) {
	for n := 1; n <= nb; n++ {
		for _, pl := range f.pageLinks[n] {
			f.newobj()
			if f.n != pl.obj {
				f.SetErrorf("fpdf: link annotation numbered %d, written as %d", pl.obj, f.n)
				return
			}
			var sb strings.Builder
			sb.WriteString("<</Type /Annot /Subtype /Link /Rect [" + f.fmtF64(pl.x, 2) + " " + f.fmtF64(pl.y, 2) + " " +
				f.fmtF64(pl.x+pl.wd, 2) + " " + f.fmtF64(pl.y-pl.ht, 2) + "] /Border [0 0 0] /F 4")
			if pl.link == 0 {
				sb.WriteString(" /A <</S /URI /URI " + f.textstring(pl.linkStr) + ">>")
			} else {
				l := f.links[pl.link]
				h := hPt
				if sz, ok := f.pageSizes[l.page]; ok {
					h = sz.Ht
				}
				sb.WriteString(" /Dest [" + strconv.Itoa(pageObj(l.page)) + " 0 R /XYZ 0 " + f.fmtF64(h-l.y*f.k, 2) + " null]")
			}
			if pl.elem > 0 {
				sb.WriteString(" /StructParent " + strconv.Itoa(pl.structParent))
			}
			if pl.contents != "" {
				sb.WriteString(" /Contents " + f.utf8string(pl.contents))
			}
			sb.WriteString(">>")
			f.out(sb.String())
			f.out("endobj")
		}
	}
}

// outlineDescendants counts the outline items under o.
func (f *Fpdf) outlineDescendants(o outlineType) int {
	n := 0
	for k := o.first; k != -1 && k < len(f.outlines); k = f.outlines[k].next {
		n += 1 + f.outlineDescendants(f.outlines[k])
		if k == o.last {
			break
		}
	}
	return n
}

// utf8string is s, UTF-8, as a PDF text string: ASCII as it is, anything
// else as UTF-16BE with its byte order mark.
func (f *Fpdf) utf8string(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return f.textstring(utf8toutf16(s))
		}
	}
	return f.textstring(s)
}

// pdfDate is t as a PDF date with its zone: D:20260302000000-05'00'.
func pdfDate(t time.Time) string {
	d := "D:" + t.Format("20060102150405")
	_, off := t.Zone()
	if off == 0 {
		return d + "Z"
	}
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%s%c%02d'%02d'", d, sign, off/3600, off%3600/60)
}
