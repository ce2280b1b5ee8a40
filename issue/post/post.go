package post

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Post is one article as its source carries it.
type Post struct {
	// ID is the source's identifier: an RSS guid, an Atom id, a JSON
	// Feed id, a WordPress post's guid. It may be empty.
	ID        string
	URL       string
	Slug      string // the site's own short name for the post, if it has one
	Title     string // HTML entities and tags allowed: they are reduced to text
	Subtitle  string
	Excerpt   string // HTML or text
	Author    string
	Published time.Time // zero when the source gives no date
	Modified  time.Time
	// Categories and Tags as the source names them.
	Categories []string
	Tags       []string
	Content    string // HTML
	// Images are the post's own pictures in order of preference: the
	// featured image, enclosures, media:content. The first <img> of the
	// content comes after them.
	Images []Image
	// Draft marks a post that is not public yet (WordPress status other
	// than publish).
	Draft bool
}

// Image is a picture a source attaches to a post.
type Image struct {
	URL     string
	Caption string // may hold "Photo: …", split off as the credit
	Credit  string
}

// Key is what makes two posts one: the ID, else the URL.
func (p *Post) Key() string {
	if p.ID != "" {
		return p.ID
	}
	return p.URL
}

// version is the digest of everything the post carries: any edit changes it.
func (p *Post) version() string {
	data, _ := json.Marshal(p) // a Post always marshals
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}
