// Folio: this file is not in upstream fpdf. It adds form XObjects made of
// raw content: drawn many times, stored once. Folio's running heads and
// footers draw each glyph outline this way; written out on every page,
// the outlines were four tenths of the page streams.

package fpdf

import "strconv"

// formXObject is raw content the pages draw with "/name Do".
type formXObject struct {
	name    string
	bbox    [4]float64
	content []byte
	n       int // object number, once written
}

// AddFormXObject registers content (page-description operators that use
// no resources) as a form XObject named name with the bounding box bbox
// (x0, y0, x1, y1) in the form's own units; content drawn with RawWriteStr
// then paints it with "/name Do". A name already added keeps its form.
func (f *Fpdf) AddFormXObject(name string, bbox [4]float64, content []byte) {
	if f.formNames == nil {
		f.formNames = map[string]bool{}
	}
	if f.formNames[name] {
		return
	}
	f.formNames[name] = true
	f.forms = append(f.forms, &formXObject{name: name, bbox: bbox, content: content})
}

// putForms writes the forms, in the order they were added; only those of
// 1 KB or more are compressed, as a zlib stream costs more than it saves
// on a glyph.
func (f *Fpdf) putForms() {
	for _, fm := range f.forms {
		f.newobj()
		fm.n = f.n
		var b []byte
		b = append(b, "<</Type /XObject /Subtype /Form /BBox ["...)
		for i, v := range fm.bbox {
			if i > 0 {
				b = append(b, ' ')
			}
			b = strconv.AppendFloat(b, v, 'f', -1, 64)
		}
		b = append(b, ']')
		data := fm.content
		var mem *membuffer
		if f.compress && len(data) >= 1024 {
			mem = xmem.compress(data)
			data = mem.bytes()
			b = append(b, " /Filter /FlateDecode"...)
		}
		b = append(b, " /Length "...)
		b = strconv.AppendInt(b, int64(len(data)), 10)
		b = append(b, ">>"...)
		f.out(string(b))
		f.putstream(data)
		f.out("endobj")
		if mem != nil {
			mem.release()
		}
	}
}

// putFormRefs lists the forms in the resource dictionary's XObjects.
func (f *Fpdf) putFormRefs() {
	for _, fm := range f.forms {
		f.out("/" + fm.name + " " + strconv.Itoa(fm.n) + " 0 R")
	}
}
