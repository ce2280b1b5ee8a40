package markdown

import (
	"errors"
	"fmt"
)

// ErrInvalidReview is wrapped by every *ReviewError.
var ErrInvalidReview = errors.New("markdown: invalid review")

// ReviewError says what is wrong with one review file, and where.
type ReviewError struct {
	File  string // path of the review file
	Line  int    // 1-based line in the file, 0 when unknown
	Field string // front matter field, "" for the file as a whole
	Err   error
}

func (e *ReviewError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %v", loc, e.Field, e.Err)
	}
	return fmt.Sprintf("%s: %v", loc, e.Err)
}

func (e *ReviewError) Unwrap() []error { return []error{ErrInvalidReview, e.Err} }
