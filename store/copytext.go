package store

import (
	"fmt"
	"io"
	"strconv"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/foliopress/folio/internal/member"
)

// copyIn runs COPY table (cols) FROM STDIN on the import's connection,
// inside its transaction, with r's text; it reports the rows copied. The
// rows go as COPY's text format, written straight into the stream: pgx's
// CopyFrom looked up an encoder for each of ten million values, more
// than half of what a million-member import spent in Go. An error of r's
// own (a bad row) is returned as it is.
func (im *importer) copyIn(table, cols string, r io.Reader) (int64, error) {
	var tag pgconn.CommandTag
	err := im.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("a %T is not a pgx connection", dc)
		}
		var err error
		tag, err = c.Conn().PgConn().CopyFrom(im.ctx, r, `COPY `+table+` (`+cols+`) FROM STDIN`)
		return err
	})
	if ct, ok := r.(*copyText); ok && ct.err != nil {
		return 0, ct.err
	}
	if err != nil {
		return 0, fmt.Errorf("store: import: copy into %s: %w", table, err)
	}
	return tag.RowsAffected(), nil
}

// copyText is an import's rows as the text of a COPY, each validated and
// then written by encode; a bad row ends it with err.
type copyText struct {
	next   func() (member.ImportRow, error, bool)
	encode func(b []byte, row member.ImportRow) ([]byte, error)
	buf    []byte
	off    int
	done   bool
	err    error
}

// copyChunk is about how much copyText encodes at a time.
const copyChunk = 64 << 10

func (c *copyText) Read(p []byte) (int, error) {
	for c.off == len(c.buf) {
		if c.done {
			if c.err != nil {
				return 0, c.err
			}
			return 0, io.EOF
		}
		c.fill()
	}
	n := copy(p, c.buf[c.off:])
	c.off += n
	return n, nil
}

// fill encodes the next rows, about copyChunk of them.
func (c *copyText) fill() {
	c.buf, c.off = c.buf[:0], 0
	for len(c.buf) < copyChunk {
		row, err, ok := c.next()
		if !ok {
			c.done = true
			return
		}
		if err == nil {
			if verr := row.Member.Validate(); verr != nil {
				err = fmt.Errorf("line %d: %w", row.Line, verr)
			}
		}
		if err == nil {
			c.buf, err = c.encode(c.buf, row)
		}
		if err != nil {
			c.done, c.err = true, fmt.Errorf("store: import: %w", err)
			return
		}
	}
}

// appendStaged writes row as a line of import_staged (stagedCols).
func appendStaged(b []byte, row member.ImportRow) ([]byte, error) {
	m := row.Member
	b = strconv.AppendInt(b, int64(row.Line), 10)
	return appendFields(b, m.Email, emailKey(m.Email), m.Name, m.Tier, string(m.Status), m.DeliverPDF, row.From,
		string(row.Suppression), row.SuppressionDetail), nil
}

// appendFields appends each field after a tab, then ends the line.
func appendFields(b []byte, fields ...string) []byte {
	for _, f := range fields {
		b = appendCopyField(append(b, '\t'), f)
	}
	return append(b, '\n')
}

// appendCopyField appends s as a field of COPY's text format: backslash,
// tab, newline and carriage return escaped, the rest as it is.
func appendCopyField(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b = append(b, '\\', '\\')
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, c)
		}
	}
	return b
}
