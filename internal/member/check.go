package member

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"io"
	"iter"
	"slices"
	"strings"
)

// Mapping is how many rows' source status became which Folio status.
type Mapping struct {
	From string
	To   Status
	Rows int
}

// Summary is what a first pass over a membership file found.
type Summary struct {
	File   string
	Format Format
	// Rows counts the valid rows (without duplicates).
	Rows int
	// Errors are every invalid row and every repeated address, in line
	// order; a file with any imports nothing unless the caller skips them.
	Errors []*RowError
	// Mapping lists how source statuses became Folio's, by source value.
	Mapping []Mapping

	bad  map[int]bool // lines of Errors
	opts ReadOptions
}

// Opener opens the membership file anew for each pass.
type Opener func() (io.ReadCloser, error)

// Check reads a whole membership file: every row is validated, repeated
// addresses (ignoring case) are found and the status mapping counted.
// Memory stays small for a file of millions: addresses are held as 64-bit
// hashes, and equal hashes are settled by reading those lines again.
func Check(open Opener, file string, opts ReadOptions) (*Summary, error) {
	sc := NewScan(file, opts)
	f, err := open()
	if err != nil {
		return nil, fmt.Errorf("member: open %s: %w", file, err)
	}
	for _, err := range sc.Rows(f) {
		if err != nil {
			_ = f.Close()
			return nil, err
		}
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("member: %s: %w", file, err)
	}
	if err := sc.Finish(open); err != nil {
		return nil, err
	}
	return sc.Summary, nil
}

// Scan reads a membership file in one pass: Rows yields the valid rows
// (for an import to stage as they come) while it records every invalid
// row, a hash of every address and the status mapping; Finish then finds
// the repeated addresses. An import applies the staged rows only once
// Finish says the file is clean, leaving out the repeats it names.
type Scan struct {
	*Summary
	hashes []seen
	seed   maphash.Seed
	counts map[Mapping]int
	dups   []int
}

type seen struct {
	h    uint64
	line int
}

// NewScan starts a scan of the file named file.
func NewScan(file string, opts ReadOptions) *Scan {
	return &Scan{Summary: &Summary{File: file, opts: opts, bad: map[int]bool{}}, seed: maphash.MakeSeed(), counts: map[Mapping]int{}}
}

// Rows reads r and yields its valid rows; invalid ones are recorded in
// Errors (a bad header yields nothing). The error result is a failing
// reader's.
func (sc *Scan) Rows(r io.Reader) iter.Seq2[ImportRow, error] {
	return func(yield func(ImportRow, error) bool) {
		rd, herrs, err := NewReader(r, sc.File, sc.opts)
		if err != nil {
			yield(ImportRow{}, err)
			return
		}
		if len(herrs) > 0 {
			sc.Errors = append(sc.Errors, herrs...)
			return
		}
		sc.Format = rd.Format()
		for row, err := range rd.Rows() {
			if err != nil {
				re, ok := err.(*RowError)
				if !ok {
					yield(ImportRow{}, err)
					return
				}
				sc.Errors = append(sc.Errors, re)
				continue
			}
			sc.hashes = append(sc.hashes, seen{maphash.String(sc.seed, strings.ToLower(row.Member.Email)), row.Line})
			sc.counts[Mapping{From: row.From, To: row.Member.Status}]++
			if !yield(row, nil) {
				return
			}
		}
	}
}

// Finish finds the repeated addresses (reading the file again through
// open only when two addresses hash alike), adds them to Errors, sorts
// Errors by line and fills Rows and Mapping.
func (sc *Scan) Finish(open Opener) error {
	s, hashes := sc.Summary, sc.hashes
	slices.SortFunc(hashes, func(a, b seen) int { return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.line, b.line)) })
	var suspects []int
	for i := 1; i < len(hashes); i++ {
		if hashes[i].h == hashes[i-1].h {
			if i == 1 || hashes[i-1].h != hashes[i-2].h {
				suspects = append(suspects, hashes[i-1].line)
			}
			suspects = append(suspects, hashes[i].line)
		}
	}
	if len(suspects) > 0 {
		dups, err := s.duplicates(open, suspects)
		if err != nil {
			return err
		}
		s.Errors = append(s.Errors, dups...)
		for _, d := range dups {
			sc.dups = append(sc.dups, d.Line)
		}
	}
	for _, e := range s.Errors {
		s.bad[e.Line] = true
	}
	slices.SortStableFunc(s.Errors, func(a, b *RowError) int { return cmp.Compare(a.Line, b.Line) })
	for m, n := range sc.counts {
		m.Rows = n
		s.Mapping = append(s.Mapping, m)
	}
	slices.SortFunc(s.Mapping, func(a, b Mapping) int { return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To)) })
	s.Rows = len(hashes) - len(sc.dups)
	sc.hashes = nil
	return nil
}

// Repeats are the lines Rows yielded that repeat an earlier address: an
// import that goes ahead leaves them out.
func (sc *Scan) Repeats() []int { return sc.dups }

// duplicates reads the suspect lines' addresses again and reports every
// repeat of an address after its first line.
func (s *Summary) duplicates(open Opener, lines []int) ([]*RowError, error) {
	want := map[int]bool{}
	for _, l := range lines {
		want[l] = true
	}
	first := map[string]int{}
	var errs []*RowError
	err := s.pass(open, func(r *Reader) error {
		for row, err := range r.Rows() {
			if err != nil {
				if _, ok := err.(*RowError); ok {
					continue
				}
				return err
			}
			if !want[row.Line] {
				continue
			}
			key := strings.ToLower(row.Member.Email)
			if l, dup := first[key]; dup {
				errs = append(errs, &RowError{File: s.File, Line: row.Line, Field: r.format.required[0],
					Err: fmt.Errorf("%q: %w (first on line %d)", row.Member.Email, ErrDuplicateEmail, l)})
				continue
			}
			first[key] = row.Line
		}
		return nil
	})
	return errs, err
}

// pass opens the file and hands its Reader to fn.
func (s *Summary) pass(open Opener, fn func(*Reader) error) error {
	f, err := open()
	if err != nil {
		return fmt.Errorf("member: open %s: %w", s.File, err)
	}
	defer f.Close()
	r, herrs, err := NewReader(f, s.File, s.opts)
	if err != nil {
		return err
	}
	if len(herrs) > 0 {
		s.Errors = append(s.Errors, herrs...)
		return nil
	}
	return fn(r)
}

// Valid reads the file again and yields its valid rows, leaving out every
// line Check reported.
func (s *Summary) Valid(open Opener) iter.Seq2[ImportRow, error] {
	return func(yield func(ImportRow, error) bool) {
		stop := false
		err := s.pass(open, func(r *Reader) error {
			for row, err := range r.Rows() {
				if err != nil {
					if _, ok := err.(*RowError); ok {
						continue
					}
					return err
				}
				if s.bad[row.Line] {
					continue
				}
				if !yield(row, nil) {
					stop = true
					return nil
				}
			}
			return nil
		})
		if err != nil && !stop {
			yield(ImportRow{}, err)
		}
	}
}
