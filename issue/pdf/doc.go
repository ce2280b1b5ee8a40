// Package pdf typesets an issue.Issue as a PDF magazine in two steps.
//
// Layout turns the issue into a Document: a display list of pages, each a
// list of positioned text runs, images, rules and links, with every page
// number known. It breaks paragraphs with a total-fit (Knuth–Plass) line
// breaker and Liang hyphenation, flows them into two justified columns on a
// baseline grid without widows or orphans, and balances each article's last
// columns. The Document can be inspected in tests without producing a PDF.
//
// Document.Draw then renders the list with fpdf, embedding subsets of the
// Liberation and DejaVu fonts. Typeset does both. Running heads and footers
// are drawn as glyph outlines rather than text, so that pdftotext (and screen
// readers) see an article's sentences unbroken across page turns.
package pdf
