// Package links makes and checks members' signed personal links: the
// one-click unsubscribe URL and the archive URL. A token carries the
// member's id and is HMAC-signed, so a link needs no database lookup to
// be trusted and no cookie or login to be used.
package links
