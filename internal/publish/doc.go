// Package publish is Folio's service layer: it builds a week's issue from
// its reviews into a folder of artifacts (the PDF, the web version, the
// newsletter as a sample member gets it) and delivers it to members through
// the mailer. cmd/folio and the HTTP server call it; it holds no globals.
package publish
