// Package newsletter renders an issue as members receive it: an HTML email
// with a plain-text alternative, personal to each member, and the issue's
// web version (the "view in your browser" page).
//
// Work is split by how often it must happen. New parses the templates once
// per process and proves them on a sample issue. Renderer.Edition renders
// everything members share, once per issue: review cards, the subject, and
// the email HTML with its stylesheet inlined by go-premailer. The personal
// fields of that render are unique placeholders; Edition.Render then only
// executes the small per-member templates ("greeting", "membership", "pdf")
// and splices their output and the member's escaped values into the
// placeholders' places, which keeps a member's message to microseconds.
//
// A consequence for template authors: in the layouts, the fields of
// .Member are opaque values to print, never to test or transform; anything
// that depends on the member belongs in the personal templates, which
// receive a RecipientView.
//
// Review text reaches the templates as plain strings (html/template escapes
// it); review bodies are rendered from issue.Block values and then passed
// through a bluemonday policy, and every link must be http, https or mailto.
package newsletter
