// Package pdf typesets an issue.Issue as a PDF magazine in two steps.
//
// Layout turns the issue into a Document: a display list of pages, each a
// list of positioned text runs, images, rules and links, with every page
// number known. It breaks paragraphs with a total-fit (Knuth–Plass) line
// breaker and Liang hyphenation, kerns with the fonts' GPOS pairs, sets
// the standard f-ligatures, flows text into two justified columns on a
// baseline grid without widows or orphans, and balances each article's
// last columns. The Document can be inspected in tests without producing
// a PDF.
//
// Document.Draw then renders the list with fpdf, embedding subsets of
// Gentium Book Plus (the text face), Liberation Sans, DejaVu Sans and,
// for Chinese, Japanese and Korean, Droid Sans Fallback. Words are
// separated by real space characters, justified with TJ adjustments, so
// every extractor reads whole words; ratings read as "4 out of 5 stars";
// a character no font has is spelled out by its name rather than lost.
// Typeset does both.
package pdf
