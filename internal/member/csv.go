package member

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
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

// ParseMembersCSV reads a members CSV: a header row naming at least the
// columns email, name, tier and status (case-insensitive, any order, extra
// columns ignored, optional deliver_pdf), UTF-8 with or without a BOM, CRLF
// or LF line ends. It returns every valid member and one *RowError per
// invalid row; the caller decides whether to import anything. The error
// result is only for a failing reader.
func ParseMembersCSV(r io.Reader, file string) ([]Member, []*RowError, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // we check counts ourselves, to report them per row
	cr.ReuseRecord = false

	rowErr := func(line int, field string, err error) *RowError {
		return &RowError{File: file, Line: line, Field: field, Err: err}
	}

	header, err := cr.Read()
	if err == io.EOF {
		return nil, []*RowError{rowErr(1, "", ErrNoHeader)}, nil
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, []*RowError{rowErr(pe.Line, "", pe.Err)}, nil
		}
		return nil, nil, fmt.Errorf("member: read %s: %w", file, err)
	}
	cols, herrs := headerColumns(header, rowErr)
	if len(herrs) > 0 {
		return nil, herrs, nil
	}

	var (
		members []Member
		errs    []*RowError
		seen    = map[string]int{} // lower-case email → line first seen
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				errs = append(errs, rowErr(pe.StartLine, "", pe.Err))
				continue
			}
			return members, errs, fmt.Errorf("member: read %s: %w", file, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // csv skips empty lines, but a lone blank cell is one too
		}
		if len(rec) != len(header) {
			errs = append(errs, rowErr(line, "", fmt.Errorf("%w: got %d, header has %d", ErrFieldCount, len(rec), len(header))))
			continue
		}
		m, rerr := parseMemberRow(rec, cols, line, rowErr)
		if rerr != nil {
			errs = append(errs, rerr)
			continue
		}
		key := strings.ToLower(m.Email)
		if first, dup := seen[key]; dup {
			errs = append(errs, rowErr(line, "email", fmt.Errorf("%q: %w (first on line %d)", m.Email, ErrDuplicateEmail, first)))
			continue
		}
		seen[key] = line
		members = append(members, m)
	}
	return members, errs, nil
}

// headerColumns maps column names to their indexes and reports missing or
// repeated columns.
func headerColumns(header []string, rowErr func(int, string, error) *RowError) (map[string]int, []*RowError) {
	cols := map[string]int{}
	var errs []*RowError
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if !utf8.ValidString(name) {
			errs = append(errs, rowErr(1, "", fmt.Errorf("column %d: %w", i+1, ErrInvalidUTF8)))
			continue
		}
		if name == "" {
			continue
		}
		if _, dup := cols[name]; dup {
			errs = append(errs, rowErr(1, name, ErrDuplicateCol))
			continue
		}
		cols[name] = i
	}
	// deliver_pdf is optional; these must all be present.
	for _, want := range [...]string{"email", "name", "tier", "status"} {
		if _, ok := cols[want]; !ok {
			errs = append(errs, rowErr(1, want, ErrMissingColumn))
		}
	}
	return cols, errs
}

// parseMemberRow validates one record; it reports the first bad field.
func parseMemberRow(rec []string, cols map[string]int, line int, rowErr func(int, string, error) *RowError) (Member, *RowError) {
	get := func(name string) string {
		if i, ok := cols[name]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	for _, name := range []string{"email", "name", "tier", "status", "deliver_pdf"} {
		if !utf8.ValidString(get(name)) {
			return Member{}, rowErr(line, name, ErrInvalidUTF8)
		}
	}
	raw := get("email")
	if raw == "" {
		return Member{}, rowErr(line, "email", ErrRequired)
	}
	email, err := ValidateEmail(raw)
	if err != nil {
		return Member{}, rowErr(line, "email", fmt.Errorf("%q: %w", raw, err))
	}
	name := get("name")
	if strings.ContainsAny(name, "\r\n\x00") {
		return Member{}, rowErr(line, "name", fmt.Errorf("%q: line breaks not allowed", name))
	}
	tier := get("tier")
	if strings.ContainsAny(tier, "\r\n\x00") {
		return Member{}, rowErr(line, "tier", fmt.Errorf("%q: line breaks not allowed", tier))
	}
	rawStatus := get("status")
	if rawStatus == "" {
		return Member{}, rowErr(line, "status", ErrRequired)
	}
	status := Status(strings.ToLower(rawStatus))
	if !status.Valid() {
		return Member{}, rowErr(line, "status", fmt.Errorf("%q: %w", rawStatus, ErrUnknownStatus))
	}
	deliver := strings.ToLower(get("deliver_pdf"))
	switch deliver {
	case "", DeliverAttach, DeliverLink:
	default:
		return Member{}, rowErr(line, "deliver_pdf", fmt.Errorf("%q: %w", get("deliver_pdf"), ErrUnknownDeliver))
	}
	return Member{Email: email, Name: name, Tier: tier, Status: status, DeliverPDF: deliver}, nil
}
