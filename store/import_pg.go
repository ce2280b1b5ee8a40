package store

import (
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/foliopress/folio/internal/member"
)

// stagePG stages the rows on PostgreSQL: COPY into import_staged, Before
// (which may leave lines out), then one statement that looks every
// address up, decides and draws new members' ids into import_rows. Each
// pass over a million rows writes them once; updating a staged table in
// place would write every row again per pass.
func (im *importer) stagePG(rows iter.Seq2[member.ImportRow, error]) (int, error) {
	if _, err := im.tx.ExecContext(im.ctx, `CREATE TEMP TABLE import_staged (
		line BIGINT NOT NULL, email TEXT NOT NULL, email_key TEXT NOT NULL, name TEXT NOT NULL,
		tier TEXT NOT NULL, status TEXT NOT NULL, deliver_pdf TEXT NOT NULL, src TEXT NOT NULL,
		want_supp TEXT NOT NULL, want_detail TEXT NOT NULL) ON COMMIT DROP`); err != nil {
		return 0, fmt.Errorf("store: import: %w", err)
	}
	total, err := im.copyRows(rows)
	if err != nil {
		return 0, err
	}
	drop := []int64{}
	if im.o.Before != nil {
		lines, err := im.o.Before()
		if err != nil {
			return 0, err
		}
		for _, l := range lines {
			drop = append(drop, int64(l))
		}
	}
	var seq string
	if err := im.tx.QueryRowContext(im.ctx, `SELECT pg_get_serial_sequence('members', 'id')`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("store: import: %w", err)
	}
	eff := im.expr(effExpr)
	if _, err := im.tx.ExecContext(im.ctx, `ANALYZE import_staged`); err != nil {
		return 0, fmt.Errorf("store: import: %w", err)
	}
	if _, err := im.tx.ExecContext(im.ctx, `CREATE TEMP TABLE import_rows ON COMMIT DROP AS
		SELECT t.*, `+eff+` AS eff, `+im.expr(keptExpr)+` AS kept, `+im.expr(resubExp)+` AS resub,
			`+strings.ReplaceAll(changedExpr, "EFF", "("+eff+")")+` AS changed,
			CASE WHEN t.member_id IS NULL THEN nextval('`+strings.ReplaceAll(seq, "'", "''")+`') END AS new_id
		FROM (SELECT s.*, m.id AS member_id, COALESCE(m.status, '') AS old_status, COALESCE(m.deliver_pdf, '') AS old_pdf,
				COALESCE(m.name, '') AS old_name, COALESCE(m.tier, '') AS old_tier, COALESCE(m.email, '') AS old_email,
				COALESCE(x.kind, '') AS supp
			FROM import_staged s LEFT JOIN members m ON m.email_key = s.email_key
				LEFT JOIN suppressions x ON x.email_key = s.email_key
			WHERE s.line <> ALL ($1) ORDER BY s.line) AS t`, drop); err != nil {
		return 0, fmt.Errorf("store: import: decide: %w", err)
	}
	return total - len(drop), nil
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
