// Package server is the web side of `folio serve`: members' one-click
// unsubscribe (RFC 8058) and personal archive behind signed links, the web
// version of each built issue with its PDF and images, a small editor API
// behind a bearer token, /healthz and Prometheus /metrics.
//
// It depends on small interfaces (Members, Archive, Ledger, Editor) rather
// than on the command or the publish job, so the lead wires it and tests
// run it against the real SQLite store.
package server
