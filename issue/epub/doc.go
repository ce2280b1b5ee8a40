// Package epub writes an issue.Issue as an EPUB 3 edition: a cover, a
// navigation document (the contents, with landmarks), one chapter per
// section with every review in full (its photo with alt text, its rating
// in words for screen readers), a style sheet, and the photos. It is
// written directly with archive/zip: the bytes depend only on the issue,
// so builds are reproducible, and the files are the few EPUB needs.
// Debian's epubcheck passes it with no errors and no warnings.
package epub
