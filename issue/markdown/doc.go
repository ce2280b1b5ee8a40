// Package markdown reads reviews written as Markdown files with YAML front
// matter (the format editors write to, see the README) and collects the
// reviews of one ISO week into an issue.Issue.
//
// Front matter is parsed strictly: an unknown or mistyped field is an error
// naming the file, line and field. The body is parsed with goldmark into
// issue.Block values; raw HTML never passes through.
package markdown
