package store

import (
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/foliopress/folio/internal/member"
)

// stagePG stages the rows on PostgreSQL: COPY into import_staged, Before
// (which may leave lines out), then one statement that looks every
// address up, decides and draws new members' ids into import_rows. Each
// pass over a million rows writes them once; updating a staged table in
// place would write every row again per pass. A first import goes to
// firstPG instead.
func (im *importer) stagePG(rows iter.Seq2[member.ImportRow, error]) (total int, err error) {
	seq, err := im.memberSeq()
	if err != nil {
		return 0, err
	}
	if _, err := im.tx.ExecContext(im.ctx, `CREATE TEMP TABLE import_staged (
		line BIGINT NOT NULL, email TEXT NOT NULL, email_key TEXT NOT NULL, name TEXT NOT NULL,
		tier TEXT NOT NULL, status TEXT NOT NULL, deliver_pdf TEXT NOT NULL, src TEXT NOT NULL,
		want_supp TEXT NOT NULL, want_detail TEXT NOT NULL) ON COMMIT DROP`); err != nil {
		return 0, fmt.Errorf("store: import: %w", err)
	}
	next, stop := iter.Pull2(rows)
	defer stop()
	n, err := im.copyIn("import_staged", stagedCols, &copyText{next: next, encode: appendStaged})
	if err != nil {
		return 0, err
	}
	total = int(n)
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
	eff := im.expr(effExpr)
	if _, err := im.tx.ExecContext(im.ctx, `ANALYZE import_staged`); err != nil {
		return 0, fmt.Errorf("store: import: %w", err)
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
		return 0, fmt.Errorf("store: import: decide: %w", err)
	}
	return total - len(drop), nil
}

// memberSeq is the members' id sequence, quoted for a literal.
func (im *importer) memberSeq() (string, error) {
	var seq string
	if err := im.tx.QueryRowContext(im.ctx, `SELECT pg_get_serial_sequence('members', 'id')`).Scan(&seq); err != nil {
		return "", fmt.Errorf("store: import: %w", err)
	}
	return strings.ReplaceAll(seq, "'", "''"), nil
}

// freshPG reports whether the store has no members and no suppressions:
// the first import, whose rows need no lookup. It then locks the member
// list against other writers until the commit (the first import's index
// drop takes it anyway) and looks again.
func (im *importer) freshPG() (bool, error) {
	fresh, err := emptyStore(im.ctx, im.tx)
	if err != nil || !fresh {
		return false, err
	}
	if _, err := im.tx.ExecContext(im.ctx, `LOCK TABLE members IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return false, fmt.Errorf("store: import: %w", err)
	}
	return emptyStore(im.ctx, im.tx)
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
