package post

import (
	"errors"
	"fmt"
)

// ErrInvalidItem is wrapped by every *ItemError.
var ErrInvalidItem = errors.New("post: invalid item")

// ItemError says what is wrong with one item of a feed: the feed's URL,
// the item's title and key, and the field.
type ItemError struct {
	Feed  string
	Title string
	Key   string // GUID or URL
	Field string // "" for the item as a whole
	Err   error
}

func (e *ItemError) Error() string {
	item := "item"
	switch {
	case e.Title != "" && e.Key != "":
		item = fmt.Sprintf("item %q (%s)", e.Title, e.Key)
	case e.Title != "":
		item = fmt.Sprintf("item %q", e.Title)
	case e.Key != "":
		item = "item " + e.Key
	}
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s: %v", e.Feed, item, e.Field, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", e.Feed, item, e.Err)
}

func (e *ItemError) Unwrap() []error { return []error{ErrInvalidItem, e.Err} }
