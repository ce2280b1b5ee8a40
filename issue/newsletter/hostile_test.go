package newsletter

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/foliopress/folio/issue"
)

// hostileIssue is an issue whose every text field tries to break out.
func hostileIssue(t *testing.T) *issue.Issue {
	iss := testIssue(t, t.TempDir(), 3)
	r := iss.Sections[0].Reviews[0]
	r.Title = `<script>alert("title")</script>`
	r.Deck = `"><img src=x onerror=alert(1)>`
	r.Byline = `</p><iframe src="javascript:alert(2)"></iframe>`
	r.Section = `<style>body{background:expression(alert(3))}</style>`
	r.Pullquote = `<a href="javascript:alert(4)">click</a>`
	r.Opens = `{{.Member.Email}} <svg onload=alert(5)>`
	r.Certificate = `' onmouseover='alert(6)`
	r.Credits = []issue.Credit{{Role: `<b onclick=alert(7)>Director`, Names: `<script src=//evil.example/x.js></script>`}}
	r.Photo.Caption = `x" onerror="alert(8)`
	r.Photo.Credit = `<div style="width:expression(alert(9))">`
	r.Slug = `lead"><script>alert(10)</script>`
	r.Body = []issue.Block{
		{Kind: issue.Paragraph, Inlines: []issue.Inline{
			{Text: "Click ", URL: "javascript:alert(11)"},
			{Text: "me", URL: " JaVaScRiPt:alert(12)"},
			{Text: "data", URL: "data:text/html;base64,PHNjcmlwdD5hbGVydCgxMyk8L3NjcmlwdD4="},
			{Text: " or <img src=x onerror=alert(14)>", Style: issue.Bold},
			{Text: "a safe link", URL: "https://example.org/ok"},
		}},
		{Kind: issue.Quote, Children: []issue.Block{{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: `</blockquote><script>alert(15)</script>`}}}}},
		{Kind: issue.Heading, Inlines: []issue.Inline{{Text: `<h1 style="background:url(javascript:alert(16))">`}}},
	}
	iss.Sections[0].Name = r.Section
	return iss
}

func TestHostileContentIsInert(t *testing.T) {
	iss := hostileIssue(t)
	for _, mode := range []string{"url", "embed"} {
		e, err := newRenderer(t, Options{Images: mode}).Edition(iss)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := e.Render(member("Mallory"))
		if err != nil {
			t.Fatal(err)
		}
		web, err := e.WebPage()
		if err != nil {
			t.Fatal(err)
		}
		for name, doc := range map[string]string{"email": msg.HTML, "web": string(web)} {
			assertInert(t, mode+" "+name, doc)
			// The words survive as text.
			if !strings.Contains(doc, `&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;`) {
				t.Errorf("%s %s: the hostile title is not shown as text", mode, name)
			}
		}
		if !strings.Contains(string(web), `<a href="https://example.org/ok" rel="noreferrer">a safe link</a>`) {
			t.Errorf("%s: the safe link was lost:\n%s", mode, web)
		}
		if !strings.Contains(msg.Text, `<script>alert("title")</script>`) {
			t.Errorf("%s: plain text should carry the title verbatim", mode)
		}
	}
}

// assertInert parses doc as a browser would and fails on anything that
// could run: scripts, event handlers, script URLs, CSS expressions, frames.
func assertInert(t *testing.T, name, doc string) {
	t.Helper()
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	walk(root, func(n *html.Node) {
		switch n.Data {
		case "script", "iframe", "object", "embed", "svg", "form", "base":
			t.Errorf("%s: a <%s> element", name, n.Data)
		}
		for _, a := range n.Attr {
			v := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
			switch {
			case strings.HasPrefix(a.Key, "on"):
				t.Errorf("%s: <%s %s=%q>", name, n.Data, a.Key, a.Val)
			case a.Key == "href" || a.Key == "src":
				allowed := v == "issue.pdf"
				for _, p := range []string{"https://", "http://", "mailto:", "cid:", "#", "images/"} {
					allowed = allowed || strings.HasPrefix(v, p)
				}
				if !allowed {
					t.Errorf("%s: <%s %s=%q>", name, n.Data, a.Key, a.Val)
				}
			case a.Key == "style":
				if strings.Contains(v, "expression(") || strings.Contains(v, "javascript:") || strings.Contains(v, "url(") {
					t.Errorf("%s: <%s style=%q>", name, n.Data, a.Val)
				}
			}
		}
		if n.Data == "style" {
			css := strings.ToLower(text(n))
			if strings.Contains(css, "expression(") || strings.Contains(css, "javascript:") || strings.Contains(css, "alert") {
				t.Errorf("%s: hostile CSS in <style>: %s", name, css)
			}
		}
	})
}

func TestBodyHTMLDropsBadLinks(t *testing.T) {
	body := []issue.Block{{Kind: issue.Paragraph, Inlines: []issue.Inline{
		{Text: "ok", URL: "mailto:desk@example.org"},
		{Text: "bad", URL: "vbscript:msgbox(1)"},
	}}}
	got := string(sanitizeBody(bodyPolicy(), body))
	want := `<p><a href="mailto:desk@example.org" rel="noreferrer">ok</a>bad</p>` + "\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
