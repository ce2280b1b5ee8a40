package newsletter

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func testEdition(t testing.TB, opts Options, n int) *Edition {
	t.Helper()
	e, err := newRenderer(t, opts).Edition(testIssue(t, t.TempDir(), n))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestRenderPersonalParts(t *testing.T) {
	e := testEdition(t, Options{}, 12)
	linked := member("Chloë O’Brien")
	linked.PDFAttached, linked.PDFURL, linked.Tier = false, "https://weekly.example.org/dl/2026-W10.pdf?t=x1", "student"
	tests := []struct {
		name      string
		rc        Recipient
		htmlWants []string
		textWants []string
		absent    []string // in neither part
		notInHTML []string
	}{
		{"named patron with attachment", member("Ana María López"),
			[]string{"Dear Ana María López,", "<strong>patron</strong>", "attached as a PDF", `href="https://weekly.example.org/unsubscribe?m=ana.mar%C3%ADa.l%C3%B3pez&amp;t=def456"`, ">Unsubscribe</a>", "your archive</a>"},
			[]string{"Dear Ana María López,", "with your patron membership", "attached as a PDF", "Unsubscribe with one click: https://weekly.example.org/unsubscribe?m=ana.mar%C3%ADa.l%C3%B3pez&t=def456"},
			[]string{"Dear reader", "download your copy"}, nil},
		{"curly quote and linked PDF", linked,
			[]string{"Dear Chloë O’Brien,", "<strong>student</strong>", `href="https://weekly.example.org/dl/2026-W10.pdf?t=x1">download your copy</a>`},
			[]string{"Dear Chloë O’Brien,", "The full issue as a PDF: https://weekly.example.org/dl/2026-W10.pdf?t=x1"},
			[]string{"attached as a PDF"}, nil},
		{"no name, no tier, no archive, mailto unsubscribe",
			Recipient{Email: "anon@example.net", UnsubscribeURL: "mailto:leave@weekly.example.org?subject=unsubscribe"},
			[]string{"Dear reader,", "as a member.", `href="mailto:leave@weekly.example.org?subject=unsubscribe"`},
			[]string{"Dear reader,", "as a member.", "Unsubscribe with one click: mailto:leave@weekly.example.org?subject=unsubscribe"},
			[]string{"your archive", "membership", "The full issue as a PDF", "attached as a PDF"}, nil},
		{"markup and line breaks in the name stay text",
			Recipient{Name: "Eve <b>Bold</b>\r\nBcc: x@evil.example", Email: "eve@example.net", Tier: "<i>gold</i>", UnsubscribeURL: "https://weekly.example.org/u?t=1"},
			[]string{"Dear Eve &lt;b&gt;Bold&lt;/b&gt; Bcc: x@evil.example,", "&lt;i&gt;gold&lt;/i&gt;"},
			[]string{"Dear Eve <b>Bold</b> Bcc: x@evil.example,"},
			[]string{"\nBcc:", "\rBcc"}, []string{"<b>Bold", "<i>gold"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg, err := e.Render(tc.rc)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.htmlWants {
				if !strings.Contains(msg.HTML, w) {
					t.Errorf("HTML lacks %q", w)
				}
			}
			for _, w := range tc.textWants {
				if !strings.Contains(msg.Text, w) {
					t.Errorf("text lacks %q", w)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(msg.HTML, a) || strings.Contains(msg.Text, a) {
					t.Errorf("message contains %q", a)
				}
			}
			for _, a := range tc.notInHTML {
				if strings.Contains(msg.HTML, a) {
					t.Errorf("HTML contains %q", a)
				}
			}
			if strings.Contains(msg.Text, "\n\n\n") {
				t.Errorf("text has a run of blank lines:\n%s", msg.Text)
			}
		})
	}
}

func TestRenderRejectsBadRecipientURLs(t *testing.T) {
	e := testEdition(t, Options{}, 2)
	bad := []Recipient{
		{Email: "a@example.net"}, // no unsubscribe link at all
		{Email: "a@example.net", UnsubscribeURL: "javascript:alert(1)"},
		{Email: "a@example.net", UnsubscribeURL: "https://x.example/u", ArchiveURL: "data:text/html,hi"},
		{Email: "a@example.net", UnsubscribeURL: "https://x.example/u", PDFURL: "mailto:a@example.net"},
		{Email: "a@example.net", UnsubscribeURL: "https:///no-host"},
	}
	for _, rc := range bad {
		if _, err := e.Render(rc); err == nil {
			t.Errorf("Render(%+v) accepted", rc)
		}
	}
	if _, err := e.Render(bad[1]); !errors.Is(err, ErrBadURL) {
		t.Errorf("javascript: error %v is not ErrBadURL", err)
	}
}

func TestTextPartIsWrittenForReading(t *testing.T) {
	e := testEdition(t, Options{}, 12)
	msg, err := e.Render(member("Ana María López"))
	if err != nil {
		t.Fatal(err)
	}
	txt := msg.Text
	for _, f := range fixtureReviews() {
		if !strings.Contains(txt, f.title+"\n") {
			t.Errorf("text lacks the title %q on its own line", f.title)
		}
		if !strings.Contains(oneLine(txt), f.deck) {
			t.Errorf("text lacks the deck %q", f.deck)
		}
		if !strings.Contains(txt, "https://weekly.example.org/issues/2026-W10/#"+f.slug) {
			t.Errorf("text lacks the link to %s", f.slug)
		}
		if !strings.Contains(oneLine(txt), oneLine(truncate(f.paras[0], 120)[:60])) {
			t.Errorf("text lacks the excerpt of %s", f.slug)
		}
	}
	for _, w := range []string{"★★★★☆ (4/5)", "★★★½☆ (3.5/5)", "★★★★★ (5/5)", "https://weekly.example.org/issues/2026-W10/issue.pdf"} {
		if !strings.Contains(txt, w) {
			t.Errorf("text lacks %q", w)
		}
	}
	for _, bad := range []string{"<", "&amp;", "&#", "\u034f", "\u200c", e.Preheader() + "\u034f"} {
		if strings.Contains(txt, bad) {
			t.Errorf("text contains %q (HTML or preheader leaked)", bad)
		}
	}
	for i, line := range strings.Split(txt, "\n") {
		if n := len([]rune(line)); n > textWidth && !strings.Contains(line, "https://") && !strings.Contains(line, "mailto:") {
			t.Errorf("line %d is %d characters: %q", i+1, n, line)
		}
	}
}

func TestEmailStructure(t *testing.T) {
	e := testEdition(t, Options{}, 12)
	msg, err := e.Render(member("Ana María López"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(strings.NewReader(msg.HTML))
	if err != nil {
		t.Fatal(err)
	}
	var tables, presentational, imgs int
	var metaScheme, preheader, viewInBrowser, styleMedia bool
	walk(doc, func(n *html.Node) {
		switch n.Data {
		case "table":
			tables++
			if attr(n, "role") == "presentation" {
				presentational++
			}
		case "img":
			imgs++
			if strings.TrimSpace(attr(n, "alt")) == "" {
				t.Errorf("img %s has no alt text", attr(n, "src"))
			}
			if !strings.HasPrefix(attr(n, "src"), "https://weekly.example.org/issues/2026-W10/images/") {
				t.Errorf("img src %q is not under the base URL", attr(n, "src"))
			}
		case "meta":
			metaScheme = metaScheme || (attr(n, "name") == "color-scheme" && strings.Contains(attr(n, "content"), "dark"))
		case "div":
			if attr(n, "class") == "preheader" {
				preheader = strings.Contains(attr(n, "style"), "display:none") && strings.HasPrefix(text(n), e.Preheader())
			}
		case "a":
			viewInBrowser = viewInBrowser || (text(n) == "View in your browser" && attr(n, "href") == "https://weekly.example.org/issues/2026-W10/")
		case "style":
			s := text(n)
			styleMedia = strings.Contains(s, "@media screen and (max-width:620px)") && strings.Contains(s, "prefers-color-scheme:dark") && !strings.Contains(s, ".excerpt {\nmargin")
		}
	})
	if tables == 0 || presentational != tables {
		t.Errorf("%d of %d tables have role=presentation", presentational, tables)
	}
	if imgs != 11 {
		t.Errorf("%d images, want 11 (one review has no photo)", imgs)
	}
	if !metaScheme || !preheader || !viewInBrowser || !styleMedia {
		t.Errorf("color-scheme meta %v, hidden preheader %v, view-in-browser link %v, @media rules kept in <style> %v", metaScheme, preheader, viewInBrowser, styleMedia)
	}
	if e.Preheader() != fixtureReviews()[0].deck {
		t.Errorf("preheader %q, want the lead deck", e.Preheader())
	}
	if !regexp.MustCompile(`class="excerpt" style="[^"]*margin:0 0 12px;font-family:Georgia`).MatchString(msg.HTML) {
		t.Errorf("CSS was not inlined")
	}
	// Long unbroken text (a URL) wraps in every text cell, and alt text is
	// styled for clients that block images.
	for _, re := range []string{
		`<p class="excerpt" style="[^"]*overflow-wrap:anywhere;[^"]*word-break:break-word`,
		`<td class="card-body stack" [^>]*style="[^"]*overflow-wrap:anywhere`,
		`<img class="card-img" [^>]*alt="[^"]+"[^>]*style="[^"]*background-color:#e4ddd0;[^"]*font-family:Georgia[^"]*font-style:italic`,
		`<img class="lead-img" [^>]*alt="[^"]+"[^>]*style="[^"]*font-size:14px`,
	} {
		if !regexp.MustCompile(re).MatchString(msg.HTML) {
			t.Errorf("the email lacks %s", re)
		}
	}
	if !strings.Contains(msg.HTML, "max-width:600px") {
		t.Errorf("no 600 px frame")
	}
	if want := "Folio Weekly No. 10: Salt and Lanterns"; e.Subject() != want {
		t.Errorf("subject %q, want %q", e.Subject(), want)
	}
}

func TestSizeBudget(t *testing.T) {
	for _, mode := range []string{"url", "embed"} {
		e := testEdition(t, Options{Images: mode}, 12)
		msg, err := e.Render(member("Maximilian Alexander von Hohenzollern-Sigmaringen"))
		if err != nil {
			t.Fatal(err)
		}
		const budget = 102 * 1024
		t.Logf("%s: HTML %d bytes, text %d bytes", mode, len(msg.HTML), len(msg.Text))
		if len(msg.HTML) > budget {
			t.Errorf("%s: HTML is %d bytes, over Gmail's %d", mode, len(msg.HTML), budget)
		}
	}
}

func TestEmbedMode(t *testing.T) {
	e := testEdition(t, Options{Images: "embed"}, 12)
	msg, err := e.Render(member("Ana"))
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Inline) != 11 {
		t.Fatalf("%d inline images, want 11", len(msg.Inline))
	}
	for _, img := range msg.Inline {
		if !strings.Contains(msg.HTML, `src="cid:`+img.CID+`"`) {
			t.Errorf("HTML does not reference cid:%s", img.CID)
		}
		if img.Name != img.CID || img.Path == "" || !strings.HasPrefix(img.ContentType, "image/") {
			t.Errorf("bad inline image %+v", img)
		}
		if strings.HasSuffix(img.Name, ".png") != (img.ContentType == "image/png") {
			t.Errorf("%s has content type %s", img.Name, img.ContentType)
		}
	}
	if strings.Contains(msg.HTML, "/images/") {
		t.Errorf("embed mode still links a photo URL")
	}
	url := testEdition(t, Options{}, 12)
	if m, _ := url.Render(member("Ana")); len(m.Inline) != 0 {
		t.Errorf("url mode has %d inline images", len(m.Inline))
	}
}

func walk(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var sb strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return sb.String()
}

// TestRenderPartsSharesTheEdition: joined, the parts are Render's message;
// the even pieces are the same strings for every member (what lets a
// mailer encode them once per send) and hold nothing personal.
func TestRenderPartsSharesTheEdition(t *testing.T) {
	e, err := newRenderer(t, Options{}).Edition(testIssue(t, t.TempDir(), 3))
	if err != nil {
		t.Fatal(err)
	}
	ana, ben := member("Ana María López"), member("Ben Okafor")
	pa, err := e.RenderParts(ana)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := e.RenderParts(ben)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := e.Render(ana)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(pa.HTML, "") != msg.HTML || strings.Join(pa.Text, "") != msg.Text {
		t.Fatal("joined parts differ from Render's message")
	}
	for kind, parts := range map[string][2][]string{"html": {pa.HTML, pb.HTML}, "text": {pa.Text, pb.Text}} {
		a, b := parts[0], parts[1]
		if len(a) != len(b) || len(a)%2 != 1 || len(a) < 3 {
			t.Fatalf("%s: %d and %d pieces, want the same odd number", kind, len(a), len(b))
		}
		for i := 0; i < len(a); i += 2 {
			if a[i] != b[i] {
				t.Errorf("%s piece %d differs between members", kind, i)
			}
			if strings.Contains(a[i], "Ana María") || strings.Contains(a[i], "ana.maría") {
				t.Errorf("%s piece %d is shared but holds the member's name", kind, i)
			}
		}
		if !strings.Contains(strings.Join(a[1:len(a)-1], ""), "Ana") {
			t.Errorf("%s: the member's name is in no personal piece", kind)
		}
	}
}
