package epub

import (
	htmltemplate "html/template"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"
)

// The pages are XHTML documents; html/template escapes every value. The
// XML declaration is written ahead of each (xmlDecl), outside the
// template, which would read it as text.
const xmlDecl = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

var pageHead = `<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{{.Lang}}" xml:lang="{{.Lang}}">
<head>
<meta charset="UTF-8"/>
<title>{{.Title}}</title>
<link rel="stylesheet" type="text/css" href="style.css"/>
</head>
`

var coverPage = sync.OnceValue(func() *htmltemplate.Template {
	return htmltemplate.Must(htmltemplate.New("cover").Parse(pageHead + `<body class="cover" epub:type="cover">
<section>
<h1 class="masthead">{{.Magazine}}</h1>
<p class="issue-line">{{.Line}}</p>
{{with .Photo}}<p class="cover-photo"><img src="{{.Href}}" alt="{{.Alt}}"/></p>{{end}}
<ul class="cover-lines">
{{range .Lines}}<li>{{.}}</li>
{{end}}</ul>
</section>
</body>
</html>
`))
})

var navPage = sync.OnceValue(func() *htmltemplate.Template {
	return htmltemplate.Must(htmltemplate.New("nav").Parse(pageHead + `<body>
<nav epub:type="toc" id="toc" role="doc-toc">
<h1>Contents</h1>
<ol>
{{range .Sections}}<li><a href="{{.Href}}">{{.Title}}</a>
<ol>
{{range .Reviews}}<li><a href="{{.Href}}">{{.Title}}</a></li>
{{end}}</ol>
</li>
{{end}}</ol>
</nav>
<nav epub:type="landmarks" id="landmarks" hidden="hidden">
<h2>Landmarks</h2>
<ol>
{{with .CoverHref}}<li><a epub:type="cover" href="{{.}}">Cover</a></li>
{{end}}<li><a epub:type="toc" href="nav.xhtml#toc">Contents</a></li>
<li><a epub:type="bodymatter" href="{{.FirstHref}}">Reviews</a></li>
</ol>
</nav>
</body>
</html>
`))
})

var chapterPage = sync.OnceValue(func() *htmltemplate.Template {
	return htmltemplate.Must(htmltemplate.New("chapter").Parse(pageHead + `<body>
<section epub:type="chapter" aria-labelledby="section-title">
<h1 id="section-title" class="section">{{.Section}}</h1>
{{range .Reviews}}{{$r := .}}<article id="{{.ID}}" class="review">
<h2>{{.Title}}</h2>
{{with .Deck}}<p class="deck">{{.}}</p>
{{end}}<p class="meta">{{with .Byline}}<span class="byline">By {{.}}</span>{{end}}
{{- if .Stars}} <span class="stars" role="img" aria-label="{{.RatingWords}}">{{.Stars}}</span>{{end}}
{{- with .Certificate}} <span class="cert">{{.}}</span>{{end}}</p>
{{if .Photo}}<figure class="photo">
<img src="{{.Photo.Href}}" alt="{{.Photo.Alt}}"/>
{{if or .Caption .Credit}}<figcaption>{{.Caption}}{{with .Credit}} <span class="credit">Photo: {{.}}</span>{{end}}</figcaption>
{{end}}</figure>
{{end}}{{if or .Credits .Opens}}<dl class="credits">
{{range .Credits}}<dt>{{.Role}}</dt><dd>{{.Names}}</dd>
{{end}}{{with .Opens}}<dt>{{$r.OpensLabel}}</dt><dd>{{.}}</dd>
{{end}}</dl>
{{end}}{{with .Pullquote}}<aside class="pullquote" epub:type="pullquote"><p>{{.}}</p></aside>
{{end}}<div class="body">
{{.Body}}</div>
</article>
{{end}}</section>
</body>
</html>
`))
})

// packageDoc is the OPF package document; text/template, values escaped
// by xml.
var packageDoc = sync.OnceValue(func() *texttemplate.Template {
	return texttemplate.Must(texttemplate.New("opf").Funcs(texttemplate.FuncMap{"xml": xmlEscape}).Parse(`<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="{{xml .Lang}}">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="uid">{{xml .ID}}</dc:identifier>
<dc:title>{{xml .Title}}</dc:title>
<dc:language>{{xml .Lang}}</dc:language>
<dc:creator>{{xml .Magazine}}</dc:creator>
<dc:publisher>{{xml .Publisher}}</dc:publisher>
<dc:date>{{.Date}}</dc:date>
<dc:description>{{xml .Description}}</dc:description>
<meta property="dcterms:modified">{{.Modified}}</meta>
<meta property="schema:accessMode">textual</meta>
<meta property="schema:accessMode">visual</meta>
<meta property="schema:accessModeSufficient">textual</meta>
<meta property="schema:accessibilityFeature">alternativeText</meta>
<meta property="schema:accessibilityFeature">structuralNavigation</meta>
<meta property="schema:accessibilityFeature">tableOfContents</meta>
<meta property="schema:accessibilityFeature">readingOrder</meta>
<meta property="schema:accessibilityHazard">none</meta>
<meta property="schema:accessibilitySummary">Every review in full, in reading order, with headings for sections and reviews; every photo has alt text and every rating is also given in words.</meta>
{{if .Cover}}<meta name="cover" content="{{.Cover}}"/>
{{end}}</metadata>
<manifest>
<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="style" href="style.css" media-type="text/css"/>
{{if .Cover}}<item id="cover-page" href="cover.xhtml" media-type="application/xhtml+xml"/>
{{end}}{{range .Chapters}}<item id="{{.ID}}" href="{{.Href}}" media-type="application/xhtml+xml"/>
{{end}}{{range .Photos}}<item id="{{.ID}}" href="{{.Href}}" media-type="{{.Mime}}"{{if .Cover}} properties="cover-image"{{end}}/>
{{end}}</manifest>
<spine>
{{if .Cover}}<itemref idref="cover-page"/>
{{end}}<itemref idref="nav"/>
{{range .Chapters}}<itemref idref="{{.ID}}"/>
{{end}}</spine>
</package>
`))
})

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}

type opfItem struct {
	ID, Href, Mime string
	Cover          bool
}

type opfView struct {
	Lang, ID, Title, Magazine, Publisher, Description, Date, Modified, Cover string
	Chapters, Photos                                                         []opfItem
}

func (b *book) packageView() opfView {
	v := opfView{Lang: b.opts.Language, ID: identifier(b.iss), Title: b.title(), Magazine: b.iss.Magazine, Publisher: b.opts.Publisher,
		Description: "Reviews of the week: " + b.sectionNames(),
		Date:        b.date.Format("2006-01-02"), Modified: b.date.UTC().Format(time.RFC3339)}
	if b.cover != nil {
		v.Cover = b.cover.id
	}
	for _, c := range b.chapters {
		v.Chapters = append(v.Chapters, opfItem{ID: c.id, Href: c.href})
	}
	for _, p := range b.photos {
		v.Photos = append(v.Photos, opfItem{ID: p.id, Href: p.href, Mime: p.mime, Cover: p == b.cover})
	}
	return v
}

func (b *book) sectionNames() string {
	var names []string
	for _, c := range b.chapters {
		names = append(names, c.section.Name)
	}
	return strings.Join(names, ", ")
}

// Href is where the photo is, from a page.
func (p *photo) Href() string { return p.href }

// Alt is the photo's alt text.
func (p *photo) Alt() string { return p.alt }

const styleCSS = `body { font-family: serif; line-height: 1.45; margin: 0 1em; }
h1, h2, h3, .meta, .credits, figcaption, .issue-line, .cover-lines { font-family: sans-serif; }
h1.section { font-size: 0.9em; letter-spacing: 0.12em; text-transform: uppercase; color: #9e1b1b; border-top: 3px solid #1c1a17; padding-top: 0.3em; margin-top: 2em; }
article.review { margin: 1.5em 0 2.5em; }
h2 { font-size: 1.6em; line-height: 1.15; margin: 0.3em 0; font-family: serif; }
.deck { font-style: italic; font-size: 1.1em; margin: 0 0 0.6em; }
.meta { font-size: 0.85em; margin: 0 0 0.8em; }
.byline { text-transform: uppercase; letter-spacing: 0.08em; margin-right: 1em; }
.stars { color: #9e1b1b; white-space: nowrap; }
.cert { border: 1px solid currentColor; padding: 0 0.3em; margin-left: 1em; }
figure.photo { margin: 0 0 1em; }
figure.photo img { width: 100%; height: auto; }
figcaption { font-size: 0.8em; margin-top: 0.3em; }
.credit { opacity: 0.8; }
dl.credits { font-size: 0.85em; margin: 0 0 1em; }
dl.credits dt { font-weight: bold; float: left; clear: left; margin-right: 0.5em; }
dl.credits dd { margin: 0 0 0.2em; }
.pullquote { border-left: 3px solid #9e1b1b; padding-left: 0.8em; margin: 1.2em 0; font-size: 1.2em; font-style: italic; }
.body p { margin: 0; text-indent: 1.2em; }
.body p:first-child, .body h3 + p, .body blockquote + p, .body ul + p, .body ol + p, .body hr + p { text-indent: 0; }
.body blockquote { margin: 0.8em 1.2em; font-style: italic; }
.body h3 { font-size: 1.05em; margin: 1.2em 0 0.3em; }
.body hr { border: 0; border-top: 1px solid #9e1b1b; width: 30%; margin: 1.2em auto; }
body.cover { text-align: center; }
.masthead { font-size: 2.6em; margin: 0.5em 0 0.1em; font-family: serif; }
.issue-line { font-size: 0.9em; letter-spacing: 0.08em; }
.cover-photo img { max-width: 100%; height: auto; }
.cover-lines { list-style: none; padding: 0; font-size: 1.1em; }
`
