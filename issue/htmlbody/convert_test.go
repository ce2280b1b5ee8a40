package htmlbody

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/foliopress/folio/issue"
)

// dump writes blocks compactly: P(…) paragraphs, H(…) headings, Q[…]
// quotes, UL/OL[…] lists of LI[…], HR; runs as text, *italic*, **bold**,
// `code`, ~~strike~~, [text](url), and ⏎ for a hard break.
func dump(blocks []issue.Block) string {
	var parts []string
	for _, b := range blocks {
		switch b.Kind {
		case issue.Paragraph:
			parts = append(parts, "P("+runs(b.Inlines)+")")
		case issue.Heading:
			parts = append(parts, "H("+runs(b.Inlines)+")")
		case issue.Quote:
			parts = append(parts, "Q["+dump(b.Children)+"]")
		case issue.List:
			kind := "UL"
			if b.Ordered {
				kind = fmt.Sprintf("OL%d", b.Start)
			}
			parts = append(parts, kind+"["+dump(b.Children)+"]")
		case issue.ListItem:
			parts = append(parts, "LI["+dump(b.Children)+"]")
		case issue.Rule:
			parts = append(parts, "HR")
		}
	}
	return strings.Join(parts, " ")
}

func runs(ins []issue.Inline) string {
	var sb strings.Builder
	for _, in := range ins {
		t := in.Text
		if in.Style&issue.Code != 0 {
			t = "`" + t + "`"
		}
		if in.Style&issue.Italic != 0 {
			t = "*" + t + "*"
		}
		if in.Style&issue.Bold != 0 {
			t = "**" + t + "**"
		}
		if in.Style&issue.Strike != 0 {
			t = "~~" + t + "~~"
		}
		if in.URL != "" {
			t = "[" + t + "](" + in.URL + ")"
		}
		sb.WriteString(t)
		if in.Break {
			sb.WriteString("⏎")
		}
	}
	return sb.String()
}

func TestConvert(t *testing.T) {
	base, _ := url.Parse("https://mag.example.org/2026/03/03/the-salt-orchard/")
	tests := []struct {
		name, in, want string
		images         []Image
	}{
		{"paragraphs and emphasis",
			"<!-- wp:paragraph -->\n<p>A <em>patient</em>, <strong>sure</strong> first   feature.</p>\n<!-- /wp:paragraph -->\n\n<p>Second&nbsp;one &amp; more.</p>",
			"P(A *patient*, **sure** first feature.) P(Second one & more.)", nil},
		{"nested styles", "<p><strong>Bold <em>and italic</em></strong> then <del>gone</del> <s>struck</s> <strike>old</strike> <code>x := 1</code></p>",
			"P(**Bold *****and italic*** then ~~gone~~ ~~struck~~ ~~old~~ `x := 1`)", nil},
		{"links", `<p>See <a href="https://example.org/a?b=1">this</a>, <a href="/about/">our page</a>, <a href="mailto:ed@example.org">write</a> and <a href="javascript:alert(1)">that</a>.</p>`,
			"P(See [this](https://example.org/a?b=1), [our page](https://mag.example.org/about/), [write](mailto:ed@example.org) and that.)", nil},
		{"quote and lists", "<blockquote class=\"wp-block-quote\"><p>One line.</p><p>Two.</p><cite>Someone</cite></blockquote><ul><li>first</li><li><em>second</em></li></ul><ol start=\"3\"><li>three</li></ol>",
			"Q[P(One line.) P(Two.) P(Someone)] UL[LI[P(first)] LI[P(*second*)]] OL3[LI[P(three)]]", nil},
		{"headings, rule, breaks", "<h2>Credits</h2><p>Director: A<br>Starring: B<br/></p><hr><p>After</p>",
			"H(Credits) P(Director: A⏎Starring: B) HR P(After)", nil},
		{"bare text and divs", "<div class=\"entry\">Loose text <b>here</b><div><p>Inside</p></div>tail</div>",
			"P(Loose text **here**) P(Inside) P(tail)", nil},
		{"scripts and styles vanish", "<p>Keep</p><script>alert('x')</script><style>p{}</style><iframe src=\"https://evil.example\"></iframe><form><input></form><p onclick=\"x()\">Also</p>",
			"P(Keep) P(Also)", nil},
		{"figures become images", `<figure class="wp-block-image size-large"><img src="/wp-content/uploads/2026/03/orchard-1024x683.jpg" alt="Rows of trees" srcset="x 1x"/><figcaption class="wp-element-caption">Dusk over the rows. Photo: Folio Weekly</figcaption></figure><p>Text <img src="https://cdn.example.org/inline.png" alt="icon"> on.</p>`,
			"P(Text on.)", []Image{
				{URL: "https://mag.example.org/wp-content/uploads/2026/03/orchard-1024x683.jpg", Alt: "Rows of trees", Caption: "Dusk over the rows. Photo: Folio Weekly"},
				{URL: "https://cdn.example.org/inline.png", Alt: "icon"},
			}},
		{"data images are not kept", `<p><img src="data:image/png;base64,AAAA">x</p>`, "P(x)", nil},
		{"preformatted", "<pre>line one\n  line two</pre>", "P(`line one`⏎`  line two`)", nil},
		{"empty", "<p> </p><p></p>", "", nil},
	}
	c := New()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := c.Convert(tc.in, base)
			if d := dump(got.Blocks); d != tc.want {
				t.Errorf("blocks\n got %s\nwant %s", d, tc.want)
			}
			if fmt.Sprint(got.Images) != fmt.Sprint(tc.images) {
				t.Errorf("images\n got %+v\nwant %+v", got.Images, tc.images)
			}
		})
	}
}

func FuzzConvert(f *testing.F) {
	for _, s := range []string{
		"<p>A <em>b</em> <a href=\"/x\">c</a></p>", "<ul><li>a<ul><li>b</li></ul></li></ul>",
		"<figure><img src=x><figcaption>c</figcaption></figure>", "<p><br><br></p>", "<pre>\n</pre>",
		"<ol start=99999999999><li>x</li></ol>", "<a href=\"javascript:x\">y</a>", "<blockquote><blockquote>q",
	} {
		f.Add(s)
	}
	base, _ := url.Parse("https://mag.example.org/post/")
	c := New()
	f.Fuzz(func(t *testing.T, s string) {
		got := c.Convert(s, base)
		var check func([]issue.Block)
		check = func(bs []issue.Block) {
			for _, b := range bs {
				for _, in := range b.Inlines {
					if in.URL != "" && !strings.HasPrefix(in.URL, "https://") && !strings.HasPrefix(in.URL, "http://") && !strings.HasPrefix(in.URL, "mailto:") {
						t.Fatalf("unsafe link %q from %q", in.URL, s)
					}
				}
				check(b.Children)
			}
		}
		check(got.Blocks)
		for _, img := range got.Images {
			if !strings.HasPrefix(img.URL, "https://") && !strings.HasPrefix(img.URL, "http://") {
				t.Fatalf("unsafe image %q from %q", img.URL, s)
			}
		}
	})
}
