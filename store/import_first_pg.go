package store

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"slices"
	"strconv"

	"github.com/foliopress/folio/internal/member"
)

// firstPG is a first import on PostgreSQL (no members, no suppressions;
// freshPG locked the member list): each row is copied straight into
// members, with the id it takes from one block of the sequence, in line
// order. COPY writes a page of rows per WAL record where INSERT … SELECT
// writes a record per row, and staging the rows first meant writing them
// twice. A row's history, and the suppression of a member who left, are
// known as the row is read but belong to other tables, and a connection
// carries one COPY at a time: they are spilled to temporary files and
// copied next, less the lines Before leaves out. Until the address's
// unique constraint is added back (dropUniques) a repeat goes in like any
// row; those Before names are taken out, and one it does not name fails
// the import when the constraint comes back.
func (im *importer) firstPG(rows iter.Seq2[member.ImportRow, error], rep *member.ImportReport) error {
	seq, err := im.memberSeq()
	if err != nil {
		return err
	}
	var first int64
	if err := im.tx.QueryRowContext(im.ctx, `SELECT nextval('`+seq+`')`).Scan(&first); err != nil {
		return fmt.Errorf("store: import: %w", err)
	}
	if err := im.dropUniques(); err != nil {
		return err
	}
	f := &firstRows{first: first, next: first, now: strconv.FormatInt(im.now, 10), source: "import " + im.o.File + ":"}
	for _, sp := range []**spill{&f.history, &f.supps} {
		if *sp, err = newSpill(); err != nil {
			return err
		}
		defer (*sp).remove()
	}
	next, stop := iter.Pull2(rows)
	defer stop()
	n, err := im.copyIn("members", "id, email, email_key, name, tier, status, deliver_pdf, created_at, updated_at",
		&copyText{next: next, encode: f.encode})
	if err != nil {
		return err
	}
	drop, err := f.dropped(im.o.Before)
	if err != nil {
		return err
	}
	if len(drop) > 0 {
		ids := make([]int64, 0, len(drop))
		for id := range drop {
			ids = append(ids, id)
		}
		if _, err := im.tx.ExecContext(im.ctx, `DELETE FROM members WHERE id = ANY ($1)`, ids); err != nil {
			return fmt.Errorf("store: import: leave out repeats: %w", err)
		}
	}
	if n > 1 {
		if _, err := im.tx.ExecContext(im.ctx, `SELECT setval('`+seq+`', $1)`, first+n-1); err != nil {
			return fmt.Errorf("store: import: %w", err)
		}
	}
	for _, c := range []struct {
		sp          *spill
		table, cols string
	}{
		{f.history, "member_history", "member_id, at, what, old_value, new_value, why, source"},
		{f.supps, "suppressions", "email_key, email, reason, kind, source, created_at"},
	} {
		r, err := c.sp.reader(drop)
		if err != nil {
			return err
		}
		if _, err := im.copyIn(c.table, c.cols, r); err != nil {
			return err
		}
	}
	rep.Added = int(n) - len(drop)
	return nil
}

// firstRows encodes a first import's rows for COPY into members, and
// spills their history and suppressions.
type firstRows struct {
	first   int64   // the first row's id
	next    int64   // the next row's id
	now     string  // the import's time, as COPY text
	source  string  // the history's source, before the line
	lines   []int32 // line of each row, in order: row k has id first+k
	history *spill
	supps   *spill
}

func (f *firstRows) encode(b []byte, row member.ImportRow) ([]byte, error) {
	m, id := row.Member, f.next
	f.next++
	f.lines = append(f.lines, int32(row.Line))
	b = strconv.AppendInt(b, id, 10)
	b = appendFields(b, m.Email, emailKey(m.Email), m.Name, m.Tier, string(m.Status), m.DeliverPDF, f.now, f.now)
	source := f.source + strconv.Itoa(row.Line)
	why := "import: " + row.From
	if err := f.history.line(id, strconv.FormatInt(id, 10), f.now, "added", "", string(m.Status), why, source); err != nil {
		return b, err
	}
	kind, reason, ok := firstSuppression(row)
	if !ok {
		return b, nil
	}
	if err := f.supps.line(id, emailKey(m.Email), m.Email, reason, kind, source, f.now); err != nil {
		return b, err
	}
	return b, f.history.line(id, strconv.FormatInt(id, 10), f.now, "suppressed", "", kind, why, source)
}

// dropped is the ids of the rows Before leaves out.
func (f *firstRows) dropped(before func() ([]int, error)) (map[int64]bool, error) {
	if before == nil {
		return nil, nil
	}
	lines, err := before()
	if err != nil {
		return nil, err
	}
	drop := map[int64]bool{}
	for _, l := range lines {
		// Rows came in line order.
		if k, found := slices.BinarySearch(f.lines, int32(l)); found {
			drop[f.first+int64(k)] = true
		}
	}
	return drop, nil
}

// spill is a temporary file of COPY lines, each led by the id of the
// member it belongs to, written while the members are copied.
type spill struct {
	f   *os.File
	w   *bufio.Writer
	buf []byte
}

// newSpill makes the file in the temporary folder ($TMPDIR) and unlinks
// it at once: it holds members' addresses, and whatever ends the process
// (kill -9 included) leaves nothing behind.
func newSpill() (*spill, error) {
	f, err := os.CreateTemp("", "folio-import-*")
	if err != nil {
		return nil, fmt.Errorf("store: import: %w", err)
	}
	if err := os.Remove(f.Name()); err != nil {
		return nil, errors.Join(fmt.Errorf("store: import: %w", err), f.Close())
	}
	return &spill{f: f, w: bufio.NewWriterSize(f, 256<<10)}, nil
}

// line spills a COPY line of fields for member id.
func (s *spill) line(id int64, fields ...string) error {
	s.buf = strconv.AppendInt(s.buf[:0], id, 10)
	s.buf = appendFields(s.buf, fields...)
	if _, err := s.w.Write(s.buf); err != nil {
		return fmt.Errorf("store: import: spill: %w", err)
	}
	return nil
}

// reader reads the spilled lines back as COPY text, without their ids
// and without the lines of members in drop.
func (s *spill) reader(drop map[int64]bool) (io.Reader, error) {
	if err := s.w.Flush(); err != nil {
		return nil, fmt.Errorf("store: import: spill: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("store: import: spill: %w", err)
	}
	return &spillReader{r: bufio.NewReaderSize(s.f, 256<<10), drop: drop}, nil
}

// remove closes the file, which frees it.
func (s *spill) remove() { _ = s.f.Close() }

// spillReader strips each spilled line's id, leaving out dropped ones.
type spillReader struct {
	r    *bufio.Reader
	drop map[int64]bool
	line []byte // the rest of the current line, still to be read
	long []byte // a line longer than r's buffer, gathered
	err  error
}

// Read fills p with as many lines as fit: each Read becomes one message
// to the server, and one write(2).
func (s *spillReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(s.line) == 0 {
			if s.err != nil {
				break
			}
			s.next()
			continue
		}
		k := copy(p[n:], s.line)
		s.line = s.line[k:]
		n += k
	}
	if n > 0 {
		return n, nil
	}
	return 0, s.err
}

// next reads the next line to keep into line, or sets err.
func (s *spillReader) next() {
	raw, err := s.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		s.long = append(s.long[:0], raw...)
		for errors.Is(err, bufio.ErrBufferFull) {
			raw, err = s.r.ReadSlice('\n')
			s.long = append(s.long, raw...)
		}
		raw = s.long
	}
	if err != nil {
		s.err = err // io.EOF at the end: spilled lines all end in '\n'
		if len(raw) == 0 {
			return
		}
	}
	tab := bytes.IndexByte(raw, '\t')
	if tab < 0 {
		s.err = errNoRow
		return
	}
	if len(s.drop) > 0 {
		id, err := strconv.ParseInt(string(raw[:tab]), 10, 64)
		if err != nil {
			s.err = fmt.Errorf("store: import: spill: %w", err)
			return
		}
		if s.drop[id] {
			return
		}
	}
	s.line = raw[tab+1:]
}

// errNoRow is what a spilled line without its id says.
var errNoRow = errors.New("store: import: a spilled line without its id")
