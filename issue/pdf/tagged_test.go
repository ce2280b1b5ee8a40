package pdf

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/foliopress/folio/issue"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// qpdfObjects reads every object of a PDF with qpdf --json (version 2),
// streams decoded: "obj:N 0 R" → {"value": …} or {"stream": {"dict", "data"}}.
func qpdfObjects(t *testing.T, path string) map[string]map[string]any {
	t.Helper()
	out := tool(t, "qpdf", "--json=2", "--json-key=qpdf", "--json-stream-data=inline", "--decode-level=generalized", path)
	var doc struct {
		QPDF []json.RawMessage `json:"qpdf"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.QPDF) < 2 {
		t.Fatalf("qpdf --json: %v", err)
	}
	var objs map[string]map[string]any
	if err := json.Unmarshal(doc.QPDF[1], &objs); err != nil {
		t.Fatal(err)
	}
	return objs
}

// pdfObjs wraps qpdf's objects with lookups.
type pdfObjs map[string]map[string]any

func (o pdfObjs) dict(ref any) map[string]any {
	s, _ := ref.(string)
	obj := o["obj:"+s]
	if v, ok := obj["value"].(map[string]any); ok {
		return v
	}
	if st, ok := obj["stream"].(map[string]any); ok {
		d, _ := st["dict"].(map[string]any)
		return d
	}
	return nil
}

func (o pdfObjs) data(ref any) []byte {
	s, _ := ref.(string)
	st, _ := o["obj:"+s]["stream"].(map[string]any)
	b, _ := base64.StdEncoding.DecodeString(fmt.Sprint(st["data"]))
	return b
}

// text is a qpdf JSON text string ("u:…") as Go text.
func text(v any) string { return strings.TrimPrefix(fmt.Sprint(v), "u:") }

// standardTypes are the structure types of ISO 32000-1 §14.8.4 that
// Folio uses.
var standardTypes = map[string]bool{"Document": true, "Sect": true, "Art": true, "H1": true, "H2": true, "H3": true, "P": true,
	"L": true, "LI": true, "Lbl": true, "LBody": true, "BlockQuote": true, "Figure": true, "Caption": true, "Link": true, "Span": true}

// TestTaggedPDF reads the structure of the typeset test issue back with
// qpdf and checks what PDF/UA-1 asks of it: the catalog's entries, the
// XMP identification, standard structure types, every marked-content ID
// on every page in the parent tree and in its element's kids, nothing
// painted outside marked content or an artifact, running heads and page
// numbers as artifacts, every Figure with Alt, every link annotation
// tied to a Link element with a description; and pdfcpu validates the
// file in strict mode.
func TestTaggedPDF(t *testing.T) {
	for _, tc := range []struct {
		name string
		path func(t *testing.T) string
	}{
		{"test issue", func(t *testing.T) string { return buildIssue(t, Options{}).path }},
		{"scripts", func(t *testing.T) string { return typesetTo(t, scriptsIssue()) }},
		{"held-out week", func(t *testing.T) string { return typesetTo(t, heldOutIssue(t)) }},
	} {
		t.Run(tc.name, func(t *testing.T) { checkTagged(t, tc.path(t)) })
	}
}

// typesetTo typesets iss into a temporary file and returns its path.
func typesetTo(t *testing.T, iss *issue.Issue) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Typeset(&buf, iss, Options{}); err != nil {
		t.Fatal(err)
	}
	return writePDF(t, "issue.pdf", buf.Bytes())
}

func checkTagged(t *testing.T, path string) {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationStrict
	if err := api.ValidateFile(path, conf); err != nil {
		t.Errorf("pdfcpu validate (strict): %v", err)
	}
	objs := pdfObjs(qpdfObjects(t, path))
	var catalog map[string]any
	var pages []string
	for ref, obj := range objs {
		v, _ := obj["value"].(map[string]any)
		if v["/Type"] == "/Catalog" {
			catalog = v
		}
		if v["/Type"] == "/Page" {
			pages = append(pages, strings.TrimPrefix(ref, "obj:"))
		}
	}
	if catalog == nil {
		t.Fatal("no catalog")
	}
	if mi, _ := catalog["/MarkInfo"].(map[string]any); mi["/Marked"] != true {
		t.Errorf("catalog /MarkInfo = %v, want Marked true", catalog["/MarkInfo"])
	}
	if vp, _ := catalog["/ViewerPreferences"].(map[string]any); vp["/DisplayDocTitle"] != true {
		t.Errorf("catalog /ViewerPreferences = %v, want DisplayDocTitle true", catalog["/ViewerPreferences"])
	}
	if lang := text(catalog["/Lang"]); lang == "" {
		t.Error("catalog has no /Lang")
	}
	if xmp := string(objs.data(catalog["/Metadata"])); !strings.Contains(xmp, "<pdfuaid:part>1</pdfuaid:part>") || !strings.Contains(xmp, "<dc:title>") {
		t.Errorf("XMP metadata lacks the PDF/UA identification or the title:\n%s", xmp)
	}
	root := objs.dict(catalog["/StructTreeRoot"])
	parentTree := objs.dict(root["/ParentTree"])
	nums, _ := parentTree["/Nums"].([]any)
	tree := map[int]any{}
	for i := 0; i+1 < len(nums); i += 2 {
		k, _ := nums[i].(float64)
		tree[int(k)] = nums[i+1]
	}

	// Every element: a standard type, a Figure with Alt; count headings.
	types := map[string]int{}
	for ref, obj := range objs {
		v, _ := obj["value"].(map[string]any)
		if v["/Type"] != "/StructElem" {
			continue
		}
		typ := strings.TrimPrefix(fmt.Sprint(v["/S"]), "/")
		types[typ]++
		if !standardTypes[typ] {
			t.Errorf("%s: structure type %q is not a standard one", ref, typ)
		}
		if typ == "Figure" && strings.TrimSpace(text(v["/Alt"])) == "" {
			t.Errorf("%s: a Figure without Alt", ref)
		}
	}
	for _, want := range []string{"Document", "H1", "H2", "P", "L", "LI", "Link", "Art"} {
		if types[want] == 0 {
			t.Errorf("no %s element (elements: %v)", want, types)
		}
	}

	// Every page: its content's MCIDs each in the parent tree, pointing at
	// an element that has it among its kids; painting only inside marked
	// content; the furniture inside artifacts.
	for _, pref := range pages {
		page := objs.dict(pref)
		stream := objs.data(page["/Contents"])
		mcids, unmarked, furniture := scanMarked(stream)
		if len(unmarked) > 0 {
			t.Errorf("page %s paints outside marked content: %q", pref, unmarked[:min(3, len(unmarked))])
		}
		if furniture != "" {
			t.Errorf("page %s: furniture %q is not an artifact", pref, furniture)
		}
		if len(mcids) == 0 {
			continue
		}
		key, ok := page["/StructParents"].(float64)
		if !ok {
			t.Errorf("page %s has marked content but no /StructParents", pref)
			continue
		}
		arr, _ := tree[int(key)].([]any)
		for _, id := range mcids {
			if id >= len(arr) {
				t.Errorf("page %s: MCID %d is not in the parent tree (%d entries)", pref, id, len(arr))
				continue
			}
			elem := objs.dict(arr[id])
			if !hasMCID(objs, elem, pref, id) {
				t.Errorf("page %s: MCID %d's element %v does not list it among its kids", pref, id, arr[id])
			}
		}
		// Link annotations: each tied to a Link element that lists it.
		annots, _ := page["/Annots"].([]any)
		for _, a := range annots {
			ad := objs.dict(a)
			if text(ad["/Contents"]) == "" {
				t.Errorf("page %s: link annotation %v has no /Contents", pref, a)
			}
			sp, ok := ad["/StructParent"].(float64)
			link := objs.dict(tree[int(sp)])
			if !ok || link["/S"] != "/Link" || !hasOBJR(link, a) {
				t.Errorf("page %s: link annotation %v is not a kid of a Link element (%v)", pref, a, link["/S"])
			}
		}
	}
}

// scanMarked reads a content stream's marked content: the MCIDs it uses,
// the painting operators met outside any marked content, and the first
// running-head or page-number text found outside an artifact.
func scanMarked(stream []byte) (mcids []int, unmarked []string, furniture string) {
	toks := lex(stream)
	type seq struct{ artifact bool }
	var stack []seq
	inArtifact := func() bool {
		for _, s := range stack {
			if s.artifact {
				return true
			}
		}
		return false
	}
	for i, tk := range toks {
		if tk.kind != 'o' {
			continue
		}
		switch tk.text {
		case "BDC", "BMC":
			tag := ""
			for k := i - 1; k >= 0 && k >= i-2; k-- {
				if toks[k].kind == 'n' {
					tag = toks[k].text
					break
				}
			}
			if tk.text == "BDC" && toks[i-1].kind == 'D' {
				if j := strings.Index(toks[i-1].text, "/MCID "); j >= 0 {
					n, _ := strconv.Atoi(strings.Fields(toks[i-1].text[j+6:])[0])
					mcids = append(mcids, n)
				}
			}
			stack = append(stack, seq{artifact: tag == "Artifact"})
		case "EMC":
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case "Tj", "TJ", "Do", "S", "s", "f", "F", "f*", "B", "b", "sh":
			if len(stack) == 0 {
				unmarked = append(unmarked, tk.text)
			}
			if (tk.text == "Tj" || tk.text == "TJ") && !inArtifact() && furniture == "" {
				shown := ""
				for k := i - 1; k >= 0 && toks[k].kind != 'o'; k-- {
					if toks[k].kind == 's' {
						shown = utf16String([]byte(toks[k].text)) + shown
					}
				}
				if strings.HasPrefix(shown, "page ") && strings.Contains(shown, " of ") || strings.HasPrefix(shown, "Week of ") {
					furniture = shown
				}
			}
		}
	}
	return mcids, unmarked, furniture
}

// hasMCID reports whether elem's kids hold MCID id on page pref.
func hasMCID(objs pdfObjs, elem map[string]any, pref string, id int) bool {
	kids, _ := elem["/K"].([]any)
	for _, k := range kids {
		switch k := k.(type) {
		case float64:
			if int(k) == id && elem["/Pg"] == pref {
				return true
			}
		case map[string]any:
			if k["/Type"] == "/MCR" && k["/Pg"] == pref && k["/MCID"] == float64(id) {
				return true
			}
		}
	}
	return false
}

// hasOBJR reports whether a Link element's kids reference annotation a.
func hasOBJR(link map[string]any, a any) bool {
	kids, _ := link["/K"].([]any)
	for _, k := range kids {
		if m, ok := k.(map[string]any); ok && m["/Type"] == "/OBJR" && m["/Obj"] == a {
			return true
		}
	}
	return false
}

// writePDF typesets doc's issue to a temporary file.
func writePDF(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
