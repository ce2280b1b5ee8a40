package store

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/foliopress/folio/internal/member"
)

// stagePG stages the rows on PostgreSQL: COPY into import_staged, Before
// (which may leave lines out), then one statement that looks every
// address up, decides and draws new members' ids into import_rows. Each
// pass over a million rows writes them once; updating a staged table in
// place would write every row again per pass. Into a store with no
// members and no suppressions (the first import) there is nothing to
// look up or decide: import_rows is then a view over the staged rows
// (view reports it, for the caller to drop before the commit), which
// spares writing a million rows once more.
func (im *importer) stagePG(rows iter.Seq2[member.ImportRow, error]) (total int, view bool, err error) {
	fresh, err := im.freshPG()
	if err != nil {
		return 0, false, err
	}
	var seq string
	if err := im.tx.QueryRowContext(im.ctx, `SELECT pg_get_serial_sequence('members', 'id')`).Scan(&seq); err != nil {
		return 0, false, fmt.Errorf("store: import: %w", err)
	}
	seq = strings.ReplaceAll(seq, "'", "''")
	// A first import's new members take a block of the sequence, in line
	// order, from first (the lock freshPG took keeps other inserts from
	// drawing in between): COPY writes each row's id with it.
	var first int64
	idCol := ""
	if fresh {
		if err := im.tx.QueryRowContext(im.ctx, `SELECT nextval('`+seq+`')`).Scan(&first); err != nil {
			return 0, false, fmt.Errorf("store: import: %w", err)
		}
		idCol = ", id BIGINT NOT NULL"
	}
	if _, err := im.tx.ExecContext(im.ctx, `CREATE TEMP TABLE import_staged (
		line BIGINT NOT NULL, email TEXT NOT NULL, email_key TEXT NOT NULL, name TEXT NOT NULL,
		tier TEXT NOT NULL, status TEXT NOT NULL, deliver_pdf TEXT NOT NULL, src TEXT NOT NULL,
		want_supp TEXT NOT NULL, want_detail TEXT NOT NULL`+idCol+`) ON COMMIT DROP`); err != nil {
		return 0, false, fmt.Errorf("store: import: %w", err)
	}
	total, err = im.copyRows(rows, first)
	if err != nil {
		return 0, false, err
	}
	drop := []int64{}
	if im.o.Before != nil {
		lines, err := im.o.Before()
		if err != nil {
			return 0, false, err
		}
		for _, l := range lines {
			drop = append(drop, int64(l))
		}
	}
	if fresh {
		if err := im.dropUniques(); err != nil {
			return 0, false, err
		}
		return total - len(drop), true, im.freshRowsPG(first, total, drop, seq)
	}
	eff := im.expr(effExpr)
	if _, err := im.tx.ExecContext(im.ctx, `ANALYZE import_staged`); err != nil {
		return 0, false, fmt.Errorf("store: import: %w", err)
	}
	if _, err := im.tx.ExecContext(im.ctx, `CREATE TEMP TABLE import_rows ON COMMIT DROP AS
		SELECT t.*, `+eff+` AS eff, `+im.expr(keptExpr)+` AS kept, `+im.expr(resubExp)+` AS resub,
			`+strings.ReplaceAll(changedExpr, "EFF", "("+eff+")")+` AS changed,
			CASE WHEN t.member_id IS NULL THEN nextval('`+seq+`') END AS new_id
		FROM (SELECT s.*, m.id AS member_id, COALESCE(m.status, '') AS old_status, COALESCE(m.deliver_pdf, '') AS old_pdf,
				COALESCE(m.name, '') AS old_name, COALESCE(m.tier, '') AS old_tier, COALESCE(m.email, '') AS old_email,
				COALESCE(x.kind, '') AS supp
			FROM import_staged s LEFT JOIN members m ON m.email_key = s.email_key
				LEFT JOIN suppressions x ON x.email_key = s.email_key
			WHERE s.line <> ALL ($1) ORDER BY s.line) AS t`, drop); err != nil {
		return 0, false, fmt.Errorf("store: import: decide: %w", err)
	}
	return total - len(drop), false, nil
}

// freshPG reports whether the store has no members and no suppressions:
// the first import, whose rows need no lookup. It then locks the member
// list against other writers until the commit (the first import's index
// drop takes it anyway) and looks again.
func (im *importer) freshPG() (bool, error) {
	var fresh bool
	look := func() error {
		return im.tx.QueryRowContext(im.ctx, `SELECT NOT EXISTS (SELECT 1 FROM members) AND NOT EXISTS (SELECT 1 FROM suppressions)`).Scan(&fresh)
	}
	if err := look(); err != nil {
		return false, fmt.Errorf("store: import: %w", err)
	}
	if !fresh {
		return false, nil
	}
	if _, err := im.tx.ExecContext(im.ctx, `LOCK TABLE members IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return false, fmt.Errorf("store: import: %w", err)
	}
	if err := look(); err != nil {
		return false, fmt.Errorf("store: import: %w", err)
	}
	return fresh, nil
}

// dropUniques drops the empty member list's unique constraints (the
// address) for the rows to go in without a million random index
// inserts; the rebuild adds them back in one sorted build, which fails
// the import if two rows share an address that Before let through.
func (im *importer) dropUniques() error {
	rows, err := im.tx.QueryContext(im.ctx, `SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = to_regclass('members') AND contype = 'u' ORDER BY conname`)
	if err != nil {
		return fmt.Errorf("store: import: %w", err)
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return errors.Join(fmt.Errorf("store: import: %w", err), rows.Close())
		}
		names, defs = append(names, name), append(defs, def)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("store: import: %w", err)
	}
	for i, name := range names {
		if _, err := im.tx.ExecContext(im.ctx, `ALTER TABLE members DROP CONSTRAINT `+quoteIdent(name)); err != nil {
			return fmt.Errorf("store: import: %w", err)
		}
		im.readd = append(im.readd, `ALTER TABLE members ADD CONSTRAINT `+quoteIdent(name)+` `+defs[i])
	}
	return nil
}

// freshRowsPG makes import_rows, for a first import, a view of the staged
// rows as decided: every row is a new member with the status it asks
// for, and the id COPY gave it, from first on. The sequence moves past
// the block; lines Before left out leave gaps, as a rolled-back insert
// would.
func (im *importer) freshRowsPG(first int64, copied int, drop []int64, seq string) error {
	if len(drop) > 0 {
		if _, err := im.tx.ExecContext(im.ctx, `DELETE FROM import_staged WHERE line = ANY ($1)`, drop); err != nil {
			return fmt.Errorf("store: import: leave out repeats: %w", err)
		}
	}
	if copied > 1 {
		if _, err := im.tx.ExecContext(im.ctx, `SELECT setval('`+seq+`', $1)`, first+int64(copied)-1); err != nil {
			return fmt.Errorf("store: import: %w", err)
		}
	}
	_, err := im.tx.ExecContext(im.ctx, `CREATE TEMP VIEW import_rows AS
		SELECT s.line, s.email, s.email_key, s.name, s.tier, s.status, s.deliver_pdf, s.src, s.want_supp, s.want_detail,
			CAST(NULL AS BIGINT) AS member_id, '' AS old_status, '' AS old_pdf, '' AS old_name, '' AS old_tier,
			'' AS old_email, '' AS supp, s.status AS eff, 0 AS kept, 0 AS resub, 0 AS changed, s.id AS new_id
		FROM import_staged s`)
	if err != nil {
		return fmt.Errorf("store: import: %w", err)
	}
	return nil
}

// copyRows streams the rows into import_staged with COPY (PostgreSQL), on
// the import's own connection, inside its transaction. The rows go as
// COPY's text format, written straight into the stream: pgx's CopyFrom
// looked up an encoder for each of ten million values, more than half
// of what a million-member import spent in Go. With first set (a first
// import), each row also takes its id, first on in line order.
func (im *importer) copyRows(rows iter.Seq2[member.ImportRow, error], first int64) (int, error) {
	next, stop := iter.Pull2(rows)
	defer stop()
	cols := "line, email, email_key, name, tier, status, deliver_pdf, src, want_supp, want_detail"
	if first > 0 {
		cols += ", id"
	}
	src := &copyText{next: next, id: first}
	var tag pgconn.CommandTag
	err := im.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: import: a %T is not a pgx connection", dc)
		}
		var err error
		tag, err = c.Conn().PgConn().CopyFrom(im.ctx, src, `COPY import_staged (`+cols+`) FROM STDIN`)
		return err
	})
	if src.err != nil {
		return 0, src.err
	}
	if err != nil {
		return 0, fmt.Errorf("store: import: copy: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// copyText is an import's rows as the text of a COPY, validated as they
// are read; a bad row ends it with err.
type copyText struct {
	next func() (member.ImportRow, error, bool)
	id   int64 // the next row's id, or 0 for none
	buf  []byte
	off  int
	done bool
	err  error
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
		if err != nil {
			c.done, c.err = true, fmt.Errorf("store: import: %w", err)
			return
		}
		m := row.Member
		c.buf = strconv.AppendInt(c.buf, int64(row.Line), 10)
		for _, f := range [...]string{m.Email, emailKey(m.Email), m.Name, m.Tier, string(m.Status), m.DeliverPDF, row.From,
			string(row.Suppression), row.SuppressionDetail} {
			c.buf = appendCopyField(append(c.buf, '\t'), f)
		}
		if c.id > 0 {
			c.buf = strconv.AppendInt(append(c.buf, '\t'), c.id, 10)
			c.id++
		}
		c.buf = append(c.buf, '\n')
	}
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
