package newsletter

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/templates"
)

// withFile returns the embedded templates with one file replaced, or
// removed when src is nil.
func withFile(t *testing.T, name string, src []byte) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	for _, f := range append(append(emailFiles(), textFiles()...), webFiles()...) {
		b, err := os.ReadFile(filepath.Join("..", "..", "templates", f))
		if err != nil {
			t.Fatal(err)
		}
		m[f] = &fstest.MapFile{Data: b}
	}
	if src == nil {
		delete(m, name)
	} else {
		m[name] = &fstest.MapFile{Data: src}
	}
	return m
}

func TestNewRejectsBadTemplates(t *testing.T) {
	tests := []struct {
		name, file, src string
		remove          bool
		wantErr         error
		wantText        string
	}{
		{"missing file", "email/card.html", "", true, ErrTemplate, "email/card.html"},
		{"syntax error", "email/layout.html", `{{define "email"}}{{if .Magazine}}{{end}`, false, ErrTemplate, "email/layout.html"},
		{"unknown field", "email/card.html", `{{define "card"}}{{.Colour}}{{end}}{{define "lead-card"}}{{end}}`, false, ErrTemplate, "Colour"},
		{"no unsubscribe link", "email/layout.html", `{{define "email"}}<p>{{.Member.Greeting}}</p>{{end}}`, false, ErrNoUnsubscribe, "unsubscribe"},
		{"text without unsubscribe", "email/text.txt", `{{define "text"}}{{.Member.Greeting}}{{end}}`, false, ErrNoUnsubscribe, "plain text"},
		{"missing personal template", "email/personal.txt", `{{define "greeting"}}Hi{{end}}`, false, ErrTemplate, `"membership"`},
		{"transformed member field", "email/layout.html", `{{define "email"}}{{upper .Member.Name}}{{.Member.UnsubscribeURL}}{{end}}`, false, ErrTemplate, "member field"},
		{"web page error", "web/article.html", `{{define "article"}}{{.Nope}}{{end}}`, false, ErrTemplate, "web"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var src []byte
			if !tc.remove {
				src = []byte(tc.src)
			}
			_, err := New(Options{Templates: withFile(t, tc.file, src)})
			if err == nil {
				t.Fatal("New accepted the templates")
			}
			if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("error %q: want %v mentioning %q", err, tc.wantErr, tc.wantText)
			}
		})
	}
	if _, err := New(Options{Images: "inline"}); !errors.Is(err, ErrOption) {
		t.Errorf("images=inline: %v", err)
	}
}

// TestDeferredCheck: with DeferCheck, New accepts templates that parse
// but fail when run; Check and every Edition then report the failure, and
// nothing is rendered with them.
func TestDeferredCheck(t *testing.T) {
	broken := withFile(t, "email/card.html", []byte(`{{define "card"}}{{.Colour}}{{end}}{{define "lead-card"}}{{end}}`))
	r, err := New(Options{Templates: broken, DeferCheck: true})
	if err != nil {
		t.Fatalf("New with DeferCheck: %v", err)
	}
	iss := testIssue(t, t.TempDir(), 3)
	for range 2 {
		if e, err := r.Edition(iss); !errors.Is(err, ErrTemplate) || !strings.Contains(err.Error(), "Colour") || e != nil {
			t.Errorf("Edition = %v, %v; want the template error", e, err)
		}
	}
	if err := r.Check(); !errors.Is(err, ErrTemplate) {
		t.Errorf("Check = %v, want the template error", err)
	}
	good, err := New(Options{DeferCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := good.Edition(iss); err != nil {
		t.Errorf("Edition with sound templates: %v", err)
	}
}

// TestEmbeddedTemplatesPassTheSelfTest: a build's Edition does not wait
// for the sample render when the templates are the embedded ones
// (DeferCheck), which holds only while they pass it in every mode.
func TestEmbeddedTemplatesPassTheSelfTest(t *testing.T) {
	for _, opts := range []Options{
		{},
		{Images: "embed"},
		{Address: "Folio Weekly, 1 Harbour Row, Portsmouth PO1 2AB"},
		{Images: "embed", Address: "Folio Weekly, 1 Harbour Row", Preheader: "This week: lighthouses"},
	} {
		opts.DeferCheck = true
		r, err := New(opts)
		if err != nil {
			t.Fatalf("New(%+v): %v", opts, err)
		}
		if !r.proven {
			t.Errorf("New(%+v): Edition would wait for the sample render", opts)
		}
		if err := r.Check(); err != nil {
			t.Errorf("Check(%+v): %v", opts, err)
		}
	}
}

func TestOverlayOverridesOneFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "email"), 0o755); err != nil {
		t.Fatal(err)
	}
	custom := `{{define "greeting"}}{{if .Name}}Hi there, {{.Name}}!{{else}}Hi there!{{end}}{{end}}
{{define "membership"}}Tier: {{.TierLabel}}{{end}}{{define "pdf"}}{{end}}`
	if err := os.WriteFile(filepath.Join(dir, "email", "personal.html"), []byte(custom), 0o644); err != nil {
		t.Fatal(err)
	}
	r := newRenderer(t, Options{Templates: Overlay(templates.FS(), dir)})
	e, err := r.Edition(testIssue(t, t.TempDir(), 3))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := e.Render(member("Ana"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg.HTML, "Hi there, Ana!") || !strings.Contains(msg.HTML, "Tier: Patron") {
		t.Errorf("override not used")
	}
	if !strings.Contains(msg.Text, "Dear Ana,") {
		t.Errorf("the text part should still use the embedded personal.txt")
	}
	if Overlay(templates.FS(), "") != templates.FS() {
		t.Errorf("an empty dir should return the base")
	}
	if _, err := Overlay(templates.FS(), dir).Open("../etc/passwd"); err == nil {
		t.Errorf("Overlay opened a path outside its root")
	}
}

func TestEditionOfEmptyIssue(t *testing.T) {
	iss := testIssue(t, t.TempDir(), 1)
	iss.Sections = nil
	if _, err := newRenderer(t, Options{}).Edition(iss); !errors.Is(err, ErrEmptyIssue) {
		t.Errorf("err = %v", err)
	}
}

func TestPreheaderOverrideAndFallback(t *testing.T) {
	iss := testIssue(t, t.TempDir(), 2)
	e, err := newRenderer(t, Options{Preheader: "  Twelve reviews,\none\tcoffee  "}).Edition(iss)
	if err != nil {
		t.Fatal(err)
	}
	if e.Preheader() != "Twelve reviews, one coffee" {
		t.Errorf("preheader %q", e.Preheader())
	}
	iss.Lead().Deck = ""
	e, err = newRenderer(t, Options{}).Edition(iss)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.Preheader(), "Nobody in Porto Velho") || len([]rune(e.Preheader())) > 141 {
		t.Errorf("fallback preheader %q", e.Preheader())
	}
}

func TestExcerptAndWrap(t *testing.T) {
	long := strings.Repeat("word ", 100)
	tests := []struct{ in, want string }{
		{"Short.", "Short."},
		{long, strings.TrimSpace(strings.Repeat("word ", 10)) + "…"},
	}
	for _, tc := range tests {
		if got := truncate(oneLine(tc.in), 50); got != tc.want {
			t.Errorf("truncate(%.20q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := Wrap("aaa bbb ccc https://example.org/a-very-long-link", 8); got != "aaa bbb\nccc\nhttps://example.org/a-very-long-link" {
		t.Errorf("Wrap = %q", got)
	}
}

func TestCheckTemplateDir(t *testing.T) {
	dir := t.TempDir()
	if err := CheckTemplateDir(dir); err != nil {
		t.Errorf("empty dir: %v", err)
	}
	for _, f := range []string{"email/card.html", ".git/config", "layout.html"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, f), []byte("x"))
	}
	err := CheckTemplateDir(dir)
	if !errors.Is(err, ErrTemplate) || !strings.Contains(err.Error(), "layout.html override nothing") || strings.Contains(err.Error(), ".git") {
		t.Errorf("err = %v", err)
	}
	if err := CheckTemplateDir(filepath.Join(dir, "missing")); err == nil {
		t.Errorf("a missing dir passed")
	}
}

func TestRenderConcurrently(t *testing.T) {
	e := testEdition(t, Options{}, 12)
	want, err := e.Render(member("Ana"))
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			for range 20 {
				got, err := e.Render(member("Ana"))
				if err == nil && (got.HTML != want.HTML || got.Text != want.Text) {
					err = errors.New("concurrent render differs")
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestStrikeSurvives checks a struck-through word keeps its strike in the
// email (HTML and text) and on the web page: "which is never rarely off"
// without it says the opposite of what was written.
func TestStrikeSurvives(t *testing.T) {
	e, err := newRenderer(t, Options{}).Edition(testIssue(t, t.TempDir(), 12))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := e.Render(member("Ana María López"))
	if err != nil {
		t.Fatal(err)
	}
	web, err := e.WebPage()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, doc, want string }{
		{"email HTML", msg.HTML, "a cello that is <s"},
		{"email text", msg.Text, "a cello that is ~~never~~ rarely"},
		{"web page", string(web), "a cello that is <s>never</s> rarely"},
	} {
		if !strings.Contains(oneLine(c.doc), c.want) {
			t.Errorf("%s lacks %q", c.name, c.want)
		}
	}
	if !regexp.MustCompile(`a cello that is <s style="[^"]*line-through[^"]*">never</s> rarely`).MatchString(msg.HTML) {
		t.Error("the email's strike is not styled inline")
	}
	if got := Excerpt(testIssue(t, t.TempDir(), 12).Sections[1].Reviews[2].Body, 280); !strings.Contains(got, "is never rarely") {
		t.Errorf("plain excerpt %q", got)
	}
}

func TestExcerptStyles(t *testing.T) {
	body := []issue.Block{
		{Kind: issue.Heading, Inlines: []issue.Inline{{Text: "Skipped"}}},
		{Kind: issue.Paragraph, Inlines: []issue.Inline{{Text: "It is "}, {Text: "never", Style: issue.Strike}, {Text: " "}, {Text: "quite", Style: issue.Italic | issue.Strike}, {Text: " <right>."}}},
	}
	ex := excerptOf(body, 280)
	if got := string(ex.html()); got != "It is <s>never </s><em><s>quite</s></em> &lt;right&gt;." {
		t.Errorf("html = %q", got)
	}
	if got := ex.markedText(); got != "It is ~~never quite~~ <right>." {
		t.Errorf("text = %q", got)
	}
}
