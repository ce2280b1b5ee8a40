// Package htmlbody turns the HTML of a post on the magazine's site into
// the body model Markdown reviews are parsed into (issue.Block and
// issue.Inline): paragraphs, headings, emphasis, links, quotes, lists,
// code and strikethrough. The HTML is sanitised with bluemonday first, so
// only those elements, absolute http, https and mailto links and images
// reach the conversion; scripts, styles, iframes and forms never do.
// Images are not part of the body: they are returned beside it, with their
// captions, for the caller to choose the review's photo and to account for
// the rest.
package htmlbody
