// Package issue holds Folio's domain: a weekly Issue made of Sections of
// Reviews, each with its Rating, Credits, Photo and a Markdown body already
// parsed into Blocks. Sub-packages collect reviews from their sources and
// turn an Issue into its artifacts (the PDF, the newsletter). The package
// imports no SQL and no SMTP.
package issue
