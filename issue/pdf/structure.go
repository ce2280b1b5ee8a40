package pdf

import "github.com/foliopress/folio/issue"

// Elem is one element of the document's logical structure (a tagged PDF):
// a standard structure type ("Document", "Sect", "Art", "H1", "H2", "P",
// "L", "LI", "Lbl", "LBody", "BlockQuote", "Figure", "Caption", "Link",
// "Span"), its parent and what assistive technology reads for it. Items
// name the element their content belongs to; an item of element 0 is an
// artifact (a running head, a page number, an ornament).
type Elem struct {
	Type   string
	Parent int32  // 1-based index into Document.Elems; 0 is the structure tree's root
	Alt    string // Figure: the description read in place of the picture
	Actual string // what the content reads as, when not its text ("4 out of 5 stars")
	// LineThrough marks a span of struck-through text, an attribute a
	// reader can announce.
	LineThrough bool
}

// elem adds an element under parent and returns its id.
func (d *Document) elem(typ string, parent int32) int32 {
	d.Elems = append(d.Elems, Elem{Type: typ, Parent: parent})
	return int32(len(d.Elems))
}

// tagItems gives the items from index from on that belong to no element
// yet, and are content (text, photos, links), to element e.
func tagItems(items []Item, from int, e int32) {
	for i := from; i < len(items); i++ {
		it := &items[i]
		if it.Elem == 0 && it.Kind != KRule && it.Kind != KRect && !it.Furniture {
			it.Elem = e
		}
	}
}

// localElems are the elements of a body set on its own (maybe on the
// other core): ids count from 1 within the body, and a Parent of 0 is the
// article the body belongs to. adopt makes them the document's.
type localElems []Elem

func (le *localElems) elem(typ string, parent int32) int32 {
	*le = append(*le, Elem{Type: typ, Parent: parent})
	return int32(len(*le))
}

// adopt adds the body's elements under article art and returns the
// offset their items' local ids take.
func (d *Document) adopt(le localElems, art int32) int32 {
	base := int32(len(d.Elems))
	for _, e := range le {
		if e.Parent == 0 {
			e.Parent = art
		} else {
			e.Parent += base
		}
		d.Elems = append(d.Elems, e)
	}
	return base
}

// words is a Span element under parent that reads as words: a rating's
// stars read "4 out of 5 stars".
func (l *layouter) words(parent int32, words string) int32 {
	e := l.doc.elem("Span", parent)
	l.doc.Elems[e-1].Actual = words
	return e
}

// sectionElem is section s's Sect element, made on first use.
func (l *layouter) sectionElem(s string) int32 {
	e, ok := l.sects[s]
	if !ok {
		e = l.doc.elem("Sect", docElem)
		l.sects[s] = e
	}
	return e
}

// firstInSection reports whether r opens its section.
func (l *layouter) firstInSection(r *issue.Review) bool {
	for _, s := range l.iss.Sections {
		if len(s.Reviews) > 0 && s.Reviews[0] == r {
			return true
		}
	}
	return false
}
