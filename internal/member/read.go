package member

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"unicode/utf8"
)

// ImportRow is one valid row of a membership file.
type ImportRow struct {
	Line   int
	Member Member
	// From is the source value the status came from, as the file wrote
	// it ("lapsed", "subscribed_to_emails=false").
	From string
	// Suppression is the suppression a Folio export recorded for the
	// address (its suppression column), restored on import with its
	// detail (SuppressionDetail).
	Suppression       Reason
	SuppressionDetail string
}

// ReadOptions tune reading a membership file.
type ReadOptions struct {
	// DefaultTier is given to rows whose format or cells carry no tier
	// (Mailchimp has none).
	DefaultTier string
}

// Reader reads one membership file row by row, in whichever format its
// header row says (see Format).
type Reader struct {
	file   string
	cr     *csv.Reader
	header []string
	cols   map[string]int
	format format
	opts   ReadOptions
}

// NewReader reads the header row and recognises the format. A header
// that fits no format (Folio's own lacking a column) is reported as row
// errors of line 1 with a nil Reader.
func NewReader(r io.Reader, file string, opts ReadOptions) (*Reader, []*RowError, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // counts are checked per row, to report them
	cr.ReuseRecord = true
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
	header = append([]string(nil), header...)
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
	var f format
	for _, f = range formats() {
		if f.match(cols) {
			break
		}
	}
	for _, want := range f.required {
		if _, ok := cols[want]; !ok {
			errs = append(errs, rowErr(1, want, ErrMissingColumn))
		}
	}
	if len(errs) > 0 {
		return nil, errs, nil
	}
	return &Reader{file: file, cr: cr, header: header, cols: cols, format: f, opts: opts}, nil, nil
}

// Format is the recognised format.
func (r *Reader) Format() Format { return r.format.name }

// Rows yields every row in file order: a valid member, or a *RowError
// naming the line and field at fault. The error result is for a failing
// reader only; blank lines are skipped. Duplicates are not checked here
// (see Check).
func (r *Reader) Rows() iter.Seq2[ImportRow, error] {
	return func(yield func(ImportRow, error) bool) {
		for {
			rec, err := r.cr.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					if !yield(ImportRow{Line: pe.StartLine}, &RowError{File: r.file, Line: pe.StartLine, Err: pe.Err}) {
						return
					}
					continue
				}
				yield(ImportRow{}, fmt.Errorf("member: read %s: %w", r.file, err))
				return
			}
			line, _ := r.cr.FieldPos(0)
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue // csv skips empty lines, but a lone blank cell is one too
			}
			row, rerr := r.row(rec, line)
			if rerr != nil {
				if !yield(ImportRow{Line: line}, rerr) {
					return
				}
				continue
			}
			if !yield(row, nil) {
				return
			}
		}
	}
}

// row validates one record; it reports the first bad field.
func (r *Reader) row(rec []string, line int) (ImportRow, *RowError) {
	bad := func(field string, err error) (ImportRow, *RowError) {
		return ImportRow{Line: line}, &RowError{File: r.file, Line: line, Field: field, Err: err}
	}
	if len(rec) != len(r.header) {
		return bad("", fmt.Errorf("%w: got %d, header has %d", ErrFieldCount, len(rec), len(r.header)))
	}
	for name, i := range r.cols {
		if !utf8.ValidString(rec[i]) {
			return bad(name, ErrInvalidUTF8)
		}
	}
	get := func(name string) string {
		if i, ok := r.cols[name]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	m, from, ferr := r.format.row(get, r.opts.DefaultTier)
	if ferr != nil {
		return bad(ferr.field, ferr.err)
	}
	emailCol := r.format.required[0]
	if m.Email == "" {
		return bad(emailCol, ErrRequired)
	}
	email, err := ValidateEmail(m.Email)
	if err != nil {
		return bad(emailCol, fmt.Errorf("%q: %w", m.Email, err))
	}
	m.Email = email
	if strings.ContainsAny(m.Name, "\r\n\x00") {
		return bad("name", fmt.Errorf("%q: line breaks not allowed", m.Name))
	}
	if strings.ContainsAny(m.Tier, "\r\n\x00") {
		return bad("tier", fmt.Errorf("%q: line breaks not allowed", m.Tier))
	}
	switch m.DeliverPDF {
	case "", DeliverAttach, DeliverLink, DeliverEPUB:
	default:
		return bad("deliver_pdf", fmt.Errorf("%q: %w", get("deliver_pdf"), ErrUnknownDeliver))
	}
	row := ImportRow{Line: line, Member: m, From: from}
	if r.format.name == FormatFolio {
		if v := Reason(strings.ToLower(get("suppression"))); v != "" {
			if !v.Valid() {
				return bad("suppression", fmt.Errorf("%q: want unsubscribe, complaint, bounce, manual or empty", get("suppression")))
			}
			row.Suppression, row.SuppressionDetail = v, get("suppression_detail")
		}
	}
	return row, nil
}
