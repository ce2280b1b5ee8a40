package member

import (
	"fmt"
	"io"
	"strings"
)

// RowError is one invalid row (or header) of a members CSV file.
type RowError struct {
	File  string
	Line  int
	Field string // the column at fault; empty when the whole row is
	Err   error
}

// Error reads like `members.csv:4: email: "bob@": invalid address`.
func (e *RowError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s:%d: %s: %v", e.File, e.Line, e.Field, e.Err)
}

// Unwrap returns the cause, so errors.Is(err, ErrInvalidAddress) works.
func (e *RowError) Unwrap() error { return e.Err }

// ParseMembersCSV reads a whole membership file from r in any format
// NewReader recognises (Folio's own: a header row naming at least email,
// name, tier and status, case-insensitive, any order, extra columns
// ignored, optional deliver_pdf), UTF-8 with or without a BOM, CRLF or LF
// line ends. It returns every valid member and one *RowError per invalid
// row or repeated address; the caller decides whether to import anything.
// The error result is only for a failing reader. Files too big to hold
// go through Check and Summary.Valid instead.
func ParseMembersCSV(r io.Reader, file string) ([]Member, []*RowError, error) {
	rd, herrs, err := NewReader(r, file, ReadOptions{})
	if err != nil || len(herrs) > 0 {
		return nil, herrs, err
	}
	var (
		members []Member
		errs    []*RowError
		seen    = map[string]int{} // lower-case email → line first seen
	)
	for row, err := range rd.Rows() {
		if err != nil {
			re, ok := err.(*RowError)
			if !ok {
				return members, errs, err
			}
			errs = append(errs, re)
			continue
		}
		m := row.Member
		key := strings.ToLower(m.Email)
		if first, dup := seen[key]; dup {
			errs = append(errs, &RowError{File: file, Line: row.Line, Field: rd.format.required[0],
				Err: fmt.Errorf("%q: %w (first on line %d)", m.Email, ErrDuplicateEmail, first)})
			continue
		}
		seen[key] = row.Line
		members = append(members, m)
	}
	return members, errs, nil
}
