package store

import (
	"errors"
	"fmt"
	"iter"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/foliopress/folio/internal/member"
)

// copyRows streams the rows into import_rows with COPY (PostgreSQL), on
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
		n, err = c.Conn().CopyFrom(im.ctx, pgx.Identifier{"import_rows"},
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
