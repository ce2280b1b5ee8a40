// Package fetch is the HTTP client Folio reads the magazine's site with: a
// polite one. Every response is kept in a cache folder and asked for again
// with a conditional GET (ETag, Last-Modified), bodies are capped, failures
// that may pass are retried with backoff, each host gets a rate limit, the
// User-Agent names Folio, redirects are limited to five and to http and
// https, and addresses in private and loopback ranges are refused unless a
// request allows them — checked on the address actually dialled, so neither
// a redirect nor a DNS answer can lead a request inside the network.
package fetch
