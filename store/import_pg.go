package store

import (
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
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
	// For a first import, seq numbers the rows as COPY writes them: in
	// line order.
	seq := ""
	if fresh {
		seq = ", seq BIGINT GENERATED ALWAYS AS IDENTITY"
	}
	if _, err := im.tx.ExecContext(im.ctx, `CREATE TEMP TABLE import_staged (
		line BIGINT NOT NULL, email TEXT NOT NULL, email_key TEXT NOT NULL, name TEXT NOT NULL,
		tier TEXT NOT NULL, status TEXT NOT NULL, deliver_pdf TEXT NOT NULL, src TEXT NOT NULL,
		want_supp TEXT NOT NULL, want_detail TEXT NOT NULL`+seq+`) ON COMMIT DROP`); err != nil {
		return 0, false, fmt.Errorf("store: import: %w", err)
	}
	total, err = im.copyRows(rows)
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
	if err := im.tx.QueryRowContext(im.ctx, `SELECT pg_get_serial_sequence('members', 'id')`).Scan(&seq); err != nil {
		return 0, false, fmt.Errorf("store: import: %w", err)
	}
	seq = strings.ReplaceAll(seq, "'", "''")
	if fresh {
		if err := im.dropUniques(); err != nil {
			return 0, false, err
		}
		return total - len(drop), true, im.freshRowsPG(total, drop, seq)
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
// for. Their ids are a block drawn from the members' sequence at once,
// in line order (the lock freshPG took keeps other inserts from drawing
// between); lines Before left out leave gaps, as a rolled-back insert
// would.
func (im *importer) freshRowsPG(copied int, drop []int64, seq string) error {
	if len(drop) > 0 {
		if _, err := im.tx.ExecContext(im.ctx, `DELETE FROM import_staged WHERE line = ANY ($1)`, drop); err != nil {
			return fmt.Errorf("store: import: leave out repeats: %w", err)
		}
	}
	var first int64 = 1
	if copied > 0 {
		if err := im.tx.QueryRowContext(im.ctx, `SELECT nextval('`+seq+`')`).Scan(&first); err != nil {
			return fmt.Errorf("store: import: %w", err)
		}
		if _, err := im.tx.ExecContext(im.ctx, `SELECT setval('`+seq+`', $1)`, first+int64(copied)-1); err != nil {
			return fmt.Errorf("store: import: %w", err)
		}
	}
	// A view's text takes no parameters: the offset is a number written in.
	_, err := im.tx.ExecContext(im.ctx, `CREATE TEMP VIEW import_rows AS
		SELECT s.line, s.email, s.email_key, s.name, s.tier, s.status, s.deliver_pdf, s.src, s.want_supp, s.want_detail,
			CAST(NULL AS BIGINT) AS member_id, '' AS old_status, '' AS old_pdf, '' AS old_name, '' AS old_tier,
			'' AS old_email, '' AS supp, s.status AS eff, 0 AS kept, 0 AS resub, 0 AS changed,
			s.seq + `+strconv.FormatInt(first-1, 10)+` AS new_id
		FROM import_staged s`)
	if err != nil {
		return fmt.Errorf("store: import: %w", err)
	}
	return nil
}

// copyRows streams the rows into import_staged with COPY (PostgreSQL), on
// the import's own connection, inside its transaction.
func (im *importer) copyRows(rows iter.Seq2[member.ImportRow, error]) (int, error) {
	next, stop := iter.Pull2(rows)
	defer stop()
	src := &rowSource{next: next}
	var n int64
	err := im.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: import: a %T is not a pgx connection", dc)
		}
		var err error
		n, err = c.Conn().CopyFrom(im.ctx, pgx.Identifier{"import_staged"},
			[]string{"line", "email", "email_key", "name", "tier", "status", "deliver_pdf", "src", "want_supp", "want_detail"}, src)
		return err
	})
	if err := errors.Join(src.err); err != nil {
		return 0, err
	}
	if err != nil {
		return 0, fmt.Errorf("store: import: copy: %w", err)
	}
	return int(n), nil
}

// rowSource is pgx.CopyFromSource over the import's rows.
type rowSource struct {
	next func() (member.ImportRow, error, bool)
	row  member.ImportRow
	err  error
}

func (r *rowSource) Next() bool {
	row, err, ok := r.next()
	if !ok {
		return false
	}
	if err != nil {
		r.err = fmt.Errorf("store: import: %w", err)
		return false
	}
	if err := row.Member.Validate(); err != nil {
		r.err = fmt.Errorf("store: import: line %d: %w", row.Line, err)
		return false
	}
	r.row = row
	return true
}

func (r *rowSource) Values() ([]any, error) {
	m := r.row.Member
	return []any{int64(r.row.Line), m.Email, emailKey(m.Email), m.Name, m.Tier, string(m.Status), m.DeliverPDF, r.row.From,
		string(r.row.Suppression), r.row.SuppressionDetail}, nil
}

func (r *rowSource) Err() error { return r.err }
