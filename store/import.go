package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/foliopress/folio/internal/member"
)

// ImportMembers adds and updates members from rows in one transaction,
// under the rule that unsubscribes stick (member.Decide): a member who
// unsubscribed, bounced or complained, or whose address is suppressed,
// is never made active or paused again unless o.Resubscribe, which
// records their consent. Every status change, addition, suppression and
// consent goes into the members' history with the row as its source.
//
// Rows are staged in a temporary table as they come (SQLite: batched
// inserts that look each address up on the way in; PostgreSQL: COPY),
// then applied set by set, so a million members never pass through Go at
// once. A first import, into an empty store, skips the staging
// (firstSQLite, firstPG). Before, when set, runs once every row is staged
// and before any is applied: an error from it, a failing row or a failing
// reader leaves the store unchanged.
func (s *Store) ImportMembers(ctx context.Context, rows iter.Seq2[member.ImportRow, error], o member.ImportOptions) (member.ImportReport, error) {
	var rep member.ImportReport
	if o.Resubscribe && strings.TrimSpace(o.Consent) == "" {
		return rep, member.ErrNoConsent
	}
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return rep, fmt.Errorf("store: import: %w", err)
	}
	defer conn.Close()
	pg := s.Engine() == "postgres"
	if !pg {
		if restore := s.leaveWAL(ctx, conn); restore != nil {
			defer restore()
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return rep, fmt.Errorf("store: begin: %w", err)
	}
	if pg {
		// The server sorts and hashes a million staged rows in memory
		// rather than in temporary files, for this transaction only.
		if _, err := tx.ExecContext(ctx, `SET LOCAL work_mem = '64MB'`); err != nil {
			_ = tx.Rollback()
			return rep, fmt.Errorf("store: import: %w", err)
		}
	}
	im := &importer{ctx: ctx, tx: tx, conn: conn, pg: pg, o: o, now: ms(time.Now())}
	if o.Resubscribe {
		im.resub = 1
	}
	if err := im.run(rows, &rep); err != nil {
		_ = tx.Rollback()
		return member.ImportReport{}, err
	}
	if err := tx.Commit(); err != nil {
		return member.ImportReport{}, fmt.Errorf("store: commit: %w", err)
	}
	return rep, nil
}

// emptyStore reports whether the store has no members and no
// suppressions: an import into it is a first import, with nothing to look
// up or decide.
func emptyStore(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}) (bool, error) {
	var empty bool
	if err := q.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM members) AND NOT EXISTS (SELECT 1 FROM suppressions)`).Scan(&empty); err != nil {
		return false, fmt.Errorf("store: import: %w", err)
	}
	return empty, nil
}

// importer is one import's transaction.
type importer struct {
	ctx   context.Context
	tx    *sql.Tx
	conn  *sql.Conn
	pg    bool
	o     member.ImportOptions
	now   int64
	resub int
	// readd re-creates, once the rows are in, constraints a first import
	// dropped (PostgreSQL: members' unique addresses).
	readd []string
}

// stagedCols are the columns a row arrives with; the rest of import_rows
// is filled from the store (the member and suppression the address has)
// and by the decision.
const stagedCols = `line, email, email_key, name, tier, status, deliver_pdf, src, want_supp, want_detail`

func (im *importer) run(rows iter.Seq2[member.ImportRow, error], rep *member.ImportReport) error {
	rebuild, err := im.deferIndexes()
	if err != nil {
		return err
	}
	if err := im.stageAndApply(rows, rep); err != nil {
		return err
	}
	return rebuild()
}

// stageAndApply stages the rows and applies them.
func (im *importer) stageAndApply(rows iter.Seq2[member.ImportRow, error], rep *member.ImportReport) error {
	if im.pg {
		fresh, err := im.freshPG()
		if err != nil {
			return err
		}
		if fresh {
			return im.firstPG(rows, rep)
		}
		total, err := im.stagePG(rows)
		if err != nil {
			return err
		}
		return im.apply(total, rep)
	}
	fresh, err := emptyStore(im.ctx, im.tx)
	if err != nil {
		return err
	}
	if fresh {
		return im.firstSQLite(rows, rep)
	}
	if _, err := im.tx.ExecContext(im.ctx, `CREATE TEMP TABLE import_rows (
		line BIGINT NOT NULL, email TEXT NOT NULL, email_key TEXT NOT NULL, name TEXT NOT NULL,
		tier TEXT NOT NULL, status TEXT NOT NULL, deliver_pdf TEXT NOT NULL, src TEXT NOT NULL,
		want_supp TEXT NOT NULL, want_detail TEXT NOT NULL,
		member_id BIGINT, old_status TEXT NOT NULL DEFAULT '', old_pdf TEXT NOT NULL DEFAULT '',
		old_name TEXT NOT NULL DEFAULT '', old_tier TEXT NOT NULL DEFAULT '', old_email TEXT NOT NULL DEFAULT '',
		supp TEXT NOT NULL DEFAULT '', eff TEXT NOT NULL DEFAULT '', kept INTEGER NOT NULL DEFAULT 0,
		resub INTEGER NOT NULL DEFAULT 0, changed INTEGER NOT NULL DEFAULT 0)`); err != nil {
		return fmt.Errorf("store: import: %w", err)
	}
	total, err := im.stageRows(rows)
	if err != nil {
		return err
	}
	if im.o.Before != nil {
		drop, err := im.o.Before()
		if err != nil {
			return err
		}
		if err := im.drop(drop); err != nil {
			return err
		}
		total -= len(drop)
	}
	if err := im.apply(total, rep); err != nil {
		return err
	}
	if _, err := im.tx.ExecContext(im.ctx, `DROP TABLE import_rows`); err != nil {
		return fmt.Errorf("store: import: %w", err)
	}
	return nil
}

// The decision of member.Decide over import_rows' columns: status is
// what the row wants, old_status and supp what the store has; R is 1
// when the import resubscribes.
const (
	wantsIn  = `status NOT IN ('unsubscribed', 'bounced')`
	hadLeft  = `(old_status IN ('unsubscribed', 'bounced') OR supp <> '')`
	keptExpr = `CASE WHEN ` + wantsIn + ` AND ` + hadLeft + ` AND R = 0 THEN 1 ELSE 0 END`
	resubExp = `CASE WHEN ` + wantsIn + ` AND ` + hadLeft + ` AND R = 1 THEN 1 ELSE 0 END`
	effExpr  = `CASE
		WHEN ` + wantsIn + ` AND ` + hadLeft + ` AND R = 0 THEN
			CASE WHEN old_status IN ('unsubscribed', 'bounced') THEN old_status
				WHEN supp IN ('unsubscribe', 'complaint') THEN 'unsubscribed'
				WHEN supp = 'bounce' THEN 'bounced'
				ELSE status END
		WHEN NOT (` + wantsIn + `) AND old_status = 'unsubscribed' THEN 'unsubscribed'
		ELSE status END`
	// changedExpr: a stored member whose row differs; EFF is the status
	// the member ends with.
	changedExpr = `CASE WHEN member_id IS NOT NULL AND (old_email <> email OR old_name <> name OR old_tier <> tier
		OR old_status <> EFF OR old_pdf <> deliver_pdf) THEN 1 ELSE 0 END`
)

// orderBy is " ORDER BY order" when sort is set.
func orderBy(sort bool, order string) string {
	if !sort {
		return ""
	}
	return " ORDER BY " + order
}

func (im *importer) expr(e string) string {
	return strings.ReplaceAll(e, "R = ", strconv.Itoa(im.resub)+" = ")
}

// importBatch is how many rows one staging INSERT carries (10 parameters
// each, well under SQLite's 32766).
const importBatch = 200

// stageRows inserts the rows into import_rows (SQLite) a batch at a time,
// looking each address's member and suppression up and deciding on the
// way in: one pass over the rows does what would otherwise take four. A
// first import goes to firstSQLite instead.
func (im *importer) stageRows(rows iter.Seq2[member.ImportRow, error]) (int, error) {
	const cols = 10
	stmt := func(n int) string {
		var v strings.Builder
		for r := range n {
			if r > 0 {
				v.WriteString(", ")
			}
			// "?", not "$n": the SQLite driver looks every numbered
			// parameter up by name, which grows with the batch.
			v.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		}
		looked := `SELECT v.column1 AS line, v.column2 AS email, v.column3 AS email_key, v.column4 AS name,
			v.column5 AS tier, v.column6 AS status, v.column7 AS deliver_pdf, v.column8 AS src,
			v.column9 AS want_supp, v.column10 AS want_detail, m.id AS member_id,
			COALESCE(m.status, '') AS old_status, COALESCE(m.deliver_pdf, '') AS old_pdf, COALESCE(m.name, '') AS old_name,
			COALESCE(m.tier, '') AS old_tier, COALESCE(m.email, '') AS old_email, COALESCE(x.kind, '') AS supp
			FROM (VALUES ` + v.String() + `) AS v
			LEFT JOIN members m ON m.email_key = v.column3 LEFT JOIN suppressions x ON x.email_key = v.column3`
		eff := im.expr(effExpr)
		return `INSERT INTO import_rows (` + stagedCols + `, member_id, old_status, old_pdf, old_name, old_tier, old_email, supp,
			eff, kept, resub, changed)
			SELECT t.*, ` + eff + `, ` + im.expr(keptExpr) + `, ` + im.expr(resubExp) + `, ` +
			strings.ReplaceAll(changedExpr, "EFF", "("+eff+")") + ` FROM (` + looked + `) AS t`
	}
	full, err := im.tx.PrepareContext(im.ctx, stmt(importBatch))
	if err != nil {
		return 0, fmt.Errorf("store: import: %w", err)
	}
	defer full.Close()
	args := make([]any, 0, cols*importBatch)
	total := 0
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		var err error
		if len(args) == cap(args) {
			_, err = full.ExecContext(im.ctx, args...)
		} else {
			_, err = im.tx.ExecContext(im.ctx, stmt(len(args)/cols), args...)
		}
		args = args[:0]
		if err != nil {
			return fmt.Errorf("store: import: stage: %w", err)
		}
		return nil
	}
	for row, err := range rows {
		if err != nil {
			return 0, fmt.Errorf("store: import: %w", err)
		}
		m := row.Member
		if err := m.Validate(); err != nil {
			return 0, fmt.Errorf("store: import: line %d: %w", row.Line, err)
		}
		args = append(args, row.Line, m.Email, emailKey(m.Email), m.Name, m.Tier, string(m.Status), m.DeliverPDF, row.From,
			string(row.Suppression), row.SuppressionDetail)
		total++
		if len(args) == cap(args) {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	return total, flush()
}

// drop leaves out the lines Before named (repeats of an address).
func (im *importer) drop(lines []int) error {
	for len(lines) > 0 {
		n := min(len(lines), 500)
		parts := make([]string, n)
		for i, l := range lines[:n] {
			parts[i] = strconv.Itoa(l)
		}
		if _, err := im.tx.ExecContext(im.ctx, `DELETE FROM import_rows WHERE line IN (`+strings.Join(parts, ", ")+`)`); err != nil {
			return fmt.Errorf("store: import: leave out repeats: %w", err)
		}
		lines = lines[n:]
	}
	return nil
}

// importCounts say which kinds of rows an import has, so the statements
// for kinds it lacks are not run: each would scan every staged row.
type importCounts struct {
	changed, statusChanged, pdfChanged, fresh, suppress, resub, kept, keptOnly int
}

func (im *importer) counts(suppressNew string) (importCounts, error) {
	var c importCounts
	err := im.tx.QueryRowContext(im.ctx, `SELECT
		COUNT(*) FILTER (WHERE changed = 1),
		COUNT(*) FILTER (WHERE member_id IS NOT NULL AND eff <> old_status),
		COUNT(*) FILTER (WHERE member_id IS NOT NULL AND deliver_pdf <> old_pdf),
		COUNT(*) FILTER (WHERE member_id IS NULL),
		COUNT(*) FILTER (WHERE `+suppressNew+`),
		COUNT(*) FILTER (WHERE resub = 1),
		COUNT(*) FILTER (WHERE kept = 1),
		COUNT(*) FILTER (WHERE kept = 1 AND member_id IS NOT NULL AND changed = 0)
		FROM import_rows`).Scan(&c.changed, &c.statusChanged, &c.pdfChanged, &c.fresh, &c.suppress, &c.resub, &c.kept, &c.keptOnly)
	if err != nil {
		return c, fmt.Errorf("store: import: %w", err)
	}
	return c, nil
}

// apply writes the decided rows: members, suppressions, consents and
// history, a handful of set-based statements. A member added by this
// import is found by address (their id is known only once inserted).
func (im *importer) apply(total int, rep *member.ImportReport) error {
	source := `'import ' || CAST($1 AS TEXT) || ':' || CAST(i.line AS TEXT)`
	// A row suppresses its address when it has none yet and the member
	// left, or when a Folio export recorded a suppression (not for a
	// member who just resubscribed).
	suppressNew := `supp = '' AND (eff IN ('unsubscribed', 'bounced') OR (want_supp <> '' AND resub = 0))`
	newKind := `CASE WHEN i.want_supp <> '' THEN i.want_supp WHEN i.eff = 'bounced' THEN 'bounce' ELSE 'unsubscribe' END`
	order := "i.rowid" // staged in line order
	// withID is import_rows with every member's id, added ones too.
	withID := `import_rows i LEFT JOIN members m ON i.member_id IS NULL AND m.email_key = i.email_key`
	id := `COALESCE(i.member_id, m.id)`
	addID, addIDCol := "", ""
	if im.pg {
		// PostgreSQL: new members' ids were drawn from the sequence
		// when the rows were decided (new_id), and import_rows was
		// written in line order.
		order, withID, id = "i.line", `import_rows i`, `COALESCE(i.member_id, i.new_id)`
		addID, addIDCol = "i.new_id, ", "id, "
	}
	c, err := im.counts(suppressNew)
	if err != nil {
		return err
	}
	// SQLite gives each inserted row the largest id so far plus one: the
	// members this import adds, in line order, get maxID+1, maxID+2, …,
	// so their history needs no lookup by address (checked below).
	var maxID int64
	if err := im.tx.QueryRowContext(im.ctx, `SELECT COALESCE(MAX(id), 0) FROM members`).Scan(&maxID); err != nil {
		return fmt.Errorf("store: import: %w", err)
	}
	additions := `INSERT INTO member_history (member_id, at, what, old_value, new_value, why, source)
			SELECT m.id, CAST($2 AS BIGINT), 'added', '', i.eff, 'import: ' || i.src, ` + source + `
			FROM import_rows i JOIN members m ON m.email_key = i.email_key WHERE i.member_id IS NULL ORDER BY ` + order
	if im.pg {
		additions = `INSERT INTO member_history (member_id, at, what, old_value, new_value, why, source)
			SELECT i.new_id, CAST($2 AS BIGINT), 'added', '', i.eff, 'import: ' || i.src, ` + source + `
			FROM import_rows i WHERE i.member_id IS NULL`
	}
	sequential := false
	file, now, consent := im.o.File, im.now, im.o.Consent
	steps := []struct {
		what string
		run  bool
		q    string
		args []any
	}{
		{"history of status changes", c.statusChanged > 0, `INSERT INTO member_history (member_id, at, what, old_value, new_value, why, source)
			SELECT i.member_id, CAST($2 AS BIGINT), 'status', i.old_status, i.eff,
				CASE WHEN i.resub = 1 THEN 'resubscribed: ' || CAST($3 AS TEXT)
					WHEN i.kept = 1 THEN 'address suppressed (' || i.supp || ')'
					ELSE 'import: ' || i.src END, ` + source + `
			FROM import_rows i WHERE i.member_id IS NOT NULL AND i.eff <> i.old_status ORDER BY ` + order, []any{file, now, consent}},
		{"history of PDF preferences", c.pdfChanged > 0, `INSERT INTO member_history (member_id, at, what, old_value, new_value, why, source)
			SELECT i.member_id, CAST($2 AS BIGINT), 'deliver_pdf', i.old_pdf, i.deliver_pdf, 'import', ` + source + `
			FROM import_rows i WHERE i.member_id IS NOT NULL AND i.deliver_pdf <> i.old_pdf ORDER BY ` + order, []any{file, now}},
		{"update members", c.changed > 0, `UPDATE members SET email = i.email, email_key = i.email_key, name = i.name, tier = i.tier, status = i.eff,
			deliver_pdf = i.deliver_pdf,
			paused_until = CASE WHEN i.eff = members.status THEN members.paused_until ELSE 0 END, updated_at = $1
			FROM import_rows i WHERE members.id = i.member_id AND i.changed = 1`, []any{now}},
		{"add members", c.fresh > 0, `INSERT INTO members (` + addIDCol + `email, email_key, name, tier, status, deliver_pdf, created_at, updated_at)
			SELECT ` + addID + `i.email, i.email_key, i.name, i.tier, i.eff, i.deliver_pdf, $1, $1 FROM import_rows i WHERE i.member_id IS NULL` + orderBy(!im.pg, order), []any{now}},
		{"history of additions", c.fresh > 0, additions, []any{file, now}},
		{"suppress", c.suppress > 0, `INSERT INTO suppressions (email_key, email, reason, kind, source, created_at)
			SELECT i.email_key, i.email, CASE WHEN i.want_detail <> '' THEN i.want_detail ELSE 'import: ' || i.src END, ` + newKind + `, ` + source + `, CAST($2 AS BIGINT)
			FROM import_rows i WHERE ` + suppressNew, []any{file, now}},
		{"history of suppressions", c.suppress > 0, `INSERT INTO member_history (member_id, at, what, old_value, new_value, why, source)
			SELECT ` + id + `, CAST($2 AS BIGINT), 'suppressed', '', ` + newKind + `, 'import: ' || i.src, ` + source + `
			FROM ` + withID + ` WHERE ` + suppressNew + ` ORDER BY ` + order, []any{file, now}},
		{"lift suppressions", c.resub > 0, `DELETE FROM suppressions WHERE email_key IN (SELECT email_key FROM import_rows WHERE resub = 1 AND supp <> '')`, nil},
		{"history of lifted suppressions", c.resub > 0, `INSERT INTO member_history (member_id, at, what, old_value, new_value, why, source)
			SELECT ` + id + `, CAST($2 AS BIGINT), 'unsuppressed', i.supp, '', CAST($3 AS TEXT), ` + source + `
			FROM ` + withID + ` WHERE i.resub = 1 AND i.supp <> '' ORDER BY ` + order, []any{file, now, consent}},
		{"consents", c.resub > 0, `INSERT INTO member_consents (member_id, email, at, source, detail)
			SELECT ` + id + `, i.email, CAST($2 AS BIGINT), ` + source + `, CAST($3 AS TEXT) FROM ` + withID + ` WHERE i.resub = 1 ORDER BY ` + order,
			[]any{file, now, consent}},
		{"history of consents", c.resub > 0, `INSERT INTO member_history (member_id, at, what, old_value, new_value, why, source)
			SELECT ` + id + `, CAST($2 AS BIGINT), 'consent', '', '', CAST($3 AS TEXT), ` + source + `
			FROM ` + withID + ` WHERE i.resub = 1 ORDER BY ` + order, []any{file, now, consent}},
	}
	var added, updated int64
	for _, st := range steps {
		if !st.run {
			continue
		}
		if st.what == "history of additions" && !im.pg {
			var last int64
			if err := im.tx.QueryRowContext(im.ctx, `SELECT COALESCE(MAX(id), 0) FROM members`).Scan(&last); err != nil {
				return fmt.Errorf("store: import: %w", err)
			}
			sequential = last == maxID+added
		}
		if st.what == "history of additions" && sequential {
			st.q = `INSERT INTO member_history (member_id, at, what, old_value, new_value, why, source)
				SELECT CAST($3 AS BIGINT) + ROW_NUMBER() OVER (ORDER BY i.rowid), CAST($2 AS BIGINT), 'added', '', i.eff,
					'import: ' || i.src, ` + source + ` FROM import_rows i WHERE i.member_id IS NULL ORDER BY i.rowid`
			st.args = []any{file, now, maxID}
		}
		res, err := im.tx.ExecContext(im.ctx, st.q, st.args...)
		if err != nil {
			return fmt.Errorf("store: import: %s: %w", st.what, err)
		}
		switch st.what {
		case "update members":
			updated, _ = res.RowsAffected()
		case "add members":
			added, _ = res.RowsAffected()
		}
	}
	rep.Resubscribed = c.resub
	keptOnly := c.keptOnly
	if c.kept == 0 {
		rep.Added, rep.Updated = int(added), int(updated)
		rep.Unchanged = total - rep.Added - rep.Updated
		return nil
	}
	kept, err := im.tx.QueryContext(im.ctx, `SELECT line, email, eff, supp FROM import_rows WHERE kept = 1 ORDER BY line`)
	if err != nil {
		return fmt.Errorf("store: import: kept rows: %w", err)
	}
	for kept.Next() {
		var k member.Kept
		var st, supp string
		if err := kept.Scan(&k.Line, &k.Email, &st, &supp); err != nil {
			return errors.Join(fmt.Errorf("store: import: kept rows: %w", err), kept.Close())
		}
		k.Status, k.Reason = member.Status(st), member.Reason(supp)
		rep.Kept = append(rep.Kept, k)
	}
	if err := errors.Join(kept.Err(), kept.Close()); err != nil {
		return fmt.Errorf("store: import: kept rows: %w", err)
	}
	rep.Added, rep.Updated = int(added), int(updated)
	rep.Unchanged = total - rep.Added - rep.Updated - keptOnly
	return nil
}
