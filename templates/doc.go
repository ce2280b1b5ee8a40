// Package templates embeds Folio's default email and web templates, so the
// binary needs no files beside it. An editor overrides any single file by
// putting a file of the same relative path in the folder named by the
// config's [templates] dir (see newsletter.Overlay).
//
// The files, and the template each must define:
//
//	email/layout.html    "email": the HTML email, with blocks to override
//	email/card.html      "card", "lead-card": one review in the email
//	email/styles.html    "email-styles": CSS, inlined once per issue
//	email/personal.html  "greeting", "membership", "pdf": per-member parts
//	email/text.txt       "text": the plain-text alternative
//	email/card.txt       "card-text": one review in the plain text
//	email/personal.txt   "greeting", "membership", "pdf" for the plain text
//	email/subject.txt    "subject": the Subject line
//	web/page.html        "web": the web version
//	web/article.html     "article": one full review on the web page
//	web/styles.html      "web-styles": the web page's CSS
//
// The .html files are html/template, the .txt files text/template. The
// view types they receive are documented in package newsletter.
package templates
