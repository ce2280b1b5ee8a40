// Package feed lists a magazine's posts from its RSS 2.0, Atom or JSON
// Feed, parsed with gofeed, as post.Post values: WordPress's RSS with
// content:encoded, dc:creator, category and media:content included. A
// feed only carries its latest items, so a feed that does not reach back
// to the week's start is an error rather than an issue missing reviews;
// WordPress feeds are paged back (?paged=2) until they do.
package feed
