package pdf

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"testing"
)

// qpdfDoc is the part of qpdf's JSON (version 2) the link tests read.
type qpdfDoc struct {
	Pages []struct {
		Object string `json:"object"`
	} `json:"pages"`
	Outlines []qpdfOutline    `json:"outlines"`
	Qpdf     []map[string]any `json:"qpdf"`
}

type qpdfOutline struct {
	Title string        `json:"title"`
	Page  int           `json:"destpageposfrom1"`
	Kids  []qpdfOutline `json:"kids"`
}

func readQpdfJSON(t *testing.T, path string) qpdfDoc {
	t.Helper()
	out := tool(t, "qpdf", "--json", "--json-key=pages", "--json-key=outlines", "--json-key=qpdf", path)
	var d qpdfDoc
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("qpdf --json: %v", err)
	}
	if len(d.Qpdf) < 2 {
		t.Fatalf("qpdf --json has no objects")
	}
	return d
}

// linkTargets lists the page numbers the internal links of page n point to,
// in drawing order.
func (d qpdfDoc) linkTargets(t *testing.T, n int) []int {
	t.Helper()
	pageNum := map[string]int{}
	for i, p := range d.Pages {
		pageNum[p.Object] = i + 1
	}
	obj, _ := d.Qpdf[1]["obj:"+d.Pages[n-1].Object].(map[string]any)
	val, _ := obj["value"].(map[string]any)
	annots, _ := val["/Annots"].([]any)
	var out []int
	for _, a := range annots {
		m, ok := a.(map[string]any)
		if !ok { // an indirect annotation
			ref, _ := a.(string)
			o, _ := d.Qpdf[1]["obj:"+ref].(map[string]any)
			m, _ = o["value"].(map[string]any)
		}
		dest, _ := m["/Dest"].([]any)
		if len(dest) == 0 {
			continue
		}
		ref, _ := dest[0].(string)
		out = append(out, pageNum[ref])
	}
	return out
}

func TestContentsLinksTargetTheirPages(t *testing.T) {
	b := buildIssue(t, Options{})
	contents := normalize(pdfText(t, b.path, 2, 2))
	iss := testIssue(t, t.TempDir())
	var want []int
	for _, r := range iss.Reviews() {
		m := regexp.MustCompile(`(\d+) ` + regexp.QuoteMeta(r.Title)).FindStringSubmatch(contents)
		if m == nil {
			t.Fatalf("contents has no page number before %q", r.Title)
		}
		n, _ := strconv.Atoi(m[1])
		want = append(want, n)
	}
	// The entries' links come first; the photo strip's follow, each to
	// one of the articles.
	got := readQpdfJSON(t, b.path).linkTargets(t, 2)
	if len(got) < len(want) {
		t.Fatalf("contents links go to pages %v, want %v first", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("contents link %d goes to page %d, want %d", i, got[i], want[i])
		}
	}
	for _, g := range got[len(want):] {
		if !slices.Contains(want, g) {
			t.Errorf("photo strip link goes to page %d, which starts no article (%v)", g, want)
		}
	}
}

func TestOutlineBySectionAndArticle(t *testing.T) {
	b := buildIssue(t, Options{})
	d := readQpdfJSON(t, b.path)
	iss := testIssue(t, t.TempDir())
	doc, err := Layout(iss, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Outlines) != 1+len(iss.Sections) || d.Outlines[0].Title != "Contents" || d.Outlines[0].Page != 2 {
		t.Fatalf("outline top level = %+v, want Contents then %d sections", d.Outlines, len(iss.Sections))
	}
	i := 0
	for s, sec := range iss.Sections {
		o := d.Outlines[s+1]
		if o.Title != sec.Name || len(o.Kids) != len(sec.Reviews) {
			t.Errorf("outline entry %+v, want section %q with %d articles", o, sec.Name, len(sec.Reviews))
			i += len(sec.Reviews)
			continue
		}
		for k, r := range sec.Reviews {
			a := doc.Articles[i]
			i++
			if kid := o.Kids[k]; kid.Title != r.Title || kid.Page != a.Page {
				t.Errorf("outline %q → page %d, want %q → page %d", kid.Title, kid.Page, r.Title, a.Page)
			}
		}
	}
}
