// Package server is the web side of `folio serve`: members' one-click
// unsubscribe (RFC 8058) and personal archive behind signed links, the web
// version of each built issue with its PDF and images, a small editor API
// behind a bearer token, /healthz and Prometheus /metrics.
//
// Routes:
//
//	GET  /u/{token}                        confirmation page (changes nothing)
//	POST /u/{token}                        List-Unsubscribe=One-Click → unsubscribed
//	GET  /archive/{token}                  the member's issues, newest first
//	GET  /issues/{week}/                   web version (index.html)
//	GET  /issues/{week}/issue.pdf          the PDF
//	GET  /issues/{week}/images/{file}      photos
//	POST /api/weeks/{week}/send            start the week's send (202; 409 while running)
//	POST /api/weeks/{week}/test            {"to": addr}: one test copy
//	GET  /api/weeks/{week}                 ledger counts and the API's send job
//	GET  /healthz, GET /metrics
//
// A bad, altered, expired or revoked token is 403 and changes nothing. The
// API answers 404 when no admin token is configured and 401 without the
// right one. Files are read through os.Root, so nothing outside the build
// folder can be served.
//
// It depends on small interfaces (Members, Archive, Ledger, Editor) rather
// than on the command or the publish job, so the lead wires it and tests
// run it against the real SQLite store.
package server
