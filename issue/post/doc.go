// Package post turns the posts a magazine publishes on its own site into
// reviews. A Post is what a feed or the WordPress API carries about one
// article, no more; Rules map it to an issue.Review — section from its
// categories, rating from its text or tags, certificate and opens line
// when its text says them, photo with caption and credit, body converted
// from sanitised HTML — and never invent a field the post does not carry.
// Source collects one site's posts of a week, keyed by GUID or URL so a
// post met twice is one review, and names the feed and the item in every
// error.
package post
