package store

import (
	"database/sql"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/foliopress/folio/internal/member"
)

// firstSQLite is a first import on SQLite: into a store with no members
// and no suppressions there is nothing to look up or decide, so each
// batch of rows goes straight into members, with its history, in the one
// pass that reads the rows. Staging a million rows first, then copying
// them into members and history, was most of a first import's time.
//
// Members get ids in line order, from one past the largest in use. A row
// whose address an earlier row already brought in is left out as it
// arrives (ON CONFLICT DO NOTHING); those must be exactly the repeats
// Before names, or the import fails whole.
func (im *importer) firstSQLite(rows iter.Seq2[member.ImportRow, error], rep *member.ImportReport) error {
	var next int64
	if err := im.tx.QueryRowContext(im.ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM members`).Scan(&next); err != nil {
		return fmt.Errorf("store: import: %w", err)
	}
	b := &firstBatch{im: im, source: sqlText("import " + im.o.File + ":"), stmts: map[string]*sql.Stmt{}}
	defer b.close()
	for row, err := range rows {
		if err != nil {
			return fmt.Errorf("store: import: %w", err)
		}
		if err := row.Member.Validate(); err != nil {
			return fmt.Errorf("store: import: line %d: %w", row.Line, err)
		}
		b.rows = append(b.rows, firstRow{id: next, row: row})
		next++
		if len(b.rows) == importBatch {
			if err := b.flush(); err != nil {
				return err
			}
		}
	}
	if err := b.flush(); err != nil {
		return err
	}
	out, err := im.checkRepeats(b.repeats)
	if err != nil {
		return err
	}
	gone, err := b.leaveOut(out)
	if err != nil {
		return err
	}
	rep.Added = b.added - gone
	return nil
}

// checkRepeats compares the rows left out as repeats with the lines
// Before names: a repeat it did not name fails the import. It returns the
// named lines that went in all the same, to be taken out again.
func (im *importer) checkRepeats(repeats []int) ([]int, error) {
	var named []int
	if im.o.Before != nil {
		var err error
		if named, err = im.o.Before(); err != nil {
			return nil, err
		}
	}
	named = slices.Clone(named)
	slices.Sort(named)
	for _, l := range repeats {
		if _, found := slices.BinarySearch(named, l); !found {
			return nil, fmt.Errorf("store: import: line %d: %w", l, member.ErrDuplicateEmail)
		}
	}
	var in []int
	for _, l := range named {
		// repeats is in line order, as the rows came.
		if _, found := slices.BinarySearch(repeats, l); !found {
			in = append(in, l)
		}
	}
	return in, nil
}

// leaveOut takes out again the members that lines brought in, with their
// history and suppressions, found by their history's source (a first
// import's lines are nowhere else); it reports how many it took out.
func (b *firstBatch) leaveOut(lines []int) (int, error) {
	im, gone := b.im, 0
	for len(lines) > 0 {
		n := min(len(lines), 500)
		srcs := make([]string, n)
		for i, l := range lines[:n] {
			srcs[i] = sqlText("import " + im.o.File + ":" + strconv.Itoa(l))
		}
		added := `what = 'added' AND source IN (` + strings.Join(srcs, ", ") + `)`
		ids := `SELECT member_id FROM member_history WHERE ` + added
		var took int64
		for i, q := range []string{
			`DELETE FROM suppressions WHERE email_key IN (SELECT email_key FROM members WHERE id IN (` + ids + `))`,
			`DELETE FROM member_history WHERE member_id IN (` + ids + `) AND what <> 'added'`,
			`DELETE FROM members WHERE id IN (` + ids + `)`,
			`DELETE FROM member_history WHERE ` + added,
		} {
			res, err := im.tx.ExecContext(im.ctx, q)
			if err != nil {
				return 0, fmt.Errorf("store: import: leave out lines: %w", err)
			}
			if i == 2 {
				if took, err = res.RowsAffected(); err != nil {
					return 0, fmt.Errorf("store: import: leave out lines: %w", err)
				}
			}
		}
		gone += int(took)
		lines = lines[n:]
	}
	return gone, nil
}

// firstRow is a row of a first import with the id it is given.
type firstRow struct {
	id  int64
	row member.ImportRow
}

// firstBatch writes a first import's rows a batch at a time.
type firstBatch struct {
	im      *importer
	source  string // the history's source, as SQL text, before the line
	rows    []firstRow
	args    []any
	stmts   map[string]*sql.Stmt
	added   int
	repeats []int // lines left out: their address came earlier
}

func (b *firstBatch) close() {
	for _, stmt := range b.stmts {
		_ = stmt.Close()
	}
}

// exec runs q with args, prepared once when it is for a full batch; it
// reports the rows it changed.
func (b *firstBatch) exec(q string, full bool, args []any) (int64, error) {
	im := b.im
	var res sql.Result
	var err error
	if full {
		stmt, ok := b.stmts[q]
		if !ok {
			if stmt, err = im.tx.PrepareContext(im.ctx, q); err != nil {
				return 0, err
			}
			b.stmts[q] = stmt
		}
		res, err = stmt.ExecContext(im.ctx, args...)
	} else {
		res, err = im.tx.ExecContext(im.ctx, q, args...)
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// values is n rows of k "?" placeholders, for a VALUES list.
func values(n, k int) string {
	row := "(" + strings.Repeat("?, ", k-1) + "?)"
	return strings.Repeat(row+", ", n-1) + row
}

// flush writes the batch: its members, the history of the ones that went
// in, and the suppressions of those who left.
func (b *firstBatch) flush() error {
	n := len(b.rows)
	if n == 0 {
		return nil
	}
	im := b.im
	full := n == importBatch
	now := strconv.FormatInt(im.now, 10)
	args := b.args[:0]
	for _, r := range b.rows {
		m := r.row.Member
		args = append(args, r.id, m.Email, emailKey(m.Email), m.Name, m.Tier, string(m.Status), m.DeliverPDF)
	}
	in, err := b.exec(`INSERT INTO members (id, email, email_key, name, tier, status, deliver_pdf, created_at, updated_at)
		SELECT v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, `+now+`, `+now+`
		FROM (VALUES `+values(n, 7)+`) AS v WHERE true ON CONFLICT (email_key) DO NOTHING`, full, args)
	if err != nil {
		return fmt.Errorf("store: import: add members: %w", err)
	}
	kept := b.rows
	if int(in) < n {
		if kept, err = b.splitRepeats(); err != nil {
			return err
		}
		full = false
	}
	b.added += len(kept)
	args = args[:0]
	for _, r := range kept {
		args = append(args, r.id, string(r.row.Member.Status), r.row.From, r.row.Line)
	}
	if len(kept) > 0 {
		if _, err := b.exec(`INSERT INTO member_history (member_id, at, what, old_value, new_value, why, source)
			SELECT v.column1, `+now+`, 'added', '', v.column2, 'import: ' || v.column3, `+b.source+` || v.column4
			FROM (VALUES `+values(len(kept), 4)+`) AS v`, full, args); err != nil {
			return fmt.Errorf("store: import: history of additions: %w", err)
		}
	}
	b.args = args[:0]
	b.rows = b.rows[:0]
	return b.suppress(kept, now)
}

// splitRepeats finds the batch's rows that went in (their id is taken)
// and records the lines of those left out as repeats.
func (b *firstBatch) splitRepeats() ([]firstRow, error) {
	im := b.im
	lo, hi := b.rows[0].id, b.rows[len(b.rows)-1].id
	rows, err := im.tx.QueryContext(im.ctx, `SELECT id FROM members WHERE id BETWEEN $1 AND $2`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("store: import: %w", err)
	}
	in := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			_ = rows.Close()
			return nil, fmt.Errorf("store: import: %w", err)
		}
		in[id] = true
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("store: import: %w", err)
	}
	var kept []firstRow
	for _, r := range b.rows {
		if in[r.id] {
			kept = append(kept, r)
		} else {
			b.repeats = append(b.repeats, r.row.Line)
		}
	}
	return kept, nil
}

// suppress lists the addresses of the batch's members who left, or that
// a Folio export recorded as suppressed, with a history entry each.
func (b *firstBatch) suppress(kept []firstRow, now string) error {
	var args []any
	for _, r := range kept {
		kind, reason, ok := firstSuppression(r.row)
		if !ok {
			continue
		}
		m := r.row.Member
		args = append(args, r.id, emailKey(m.Email), m.Email, reason, kind, r.row.From, r.row.Line)
	}
	if len(args) == 0 {
		return nil
	}
	im, n := b.im, len(args)/7
	vals := `(VALUES ` + values(n, 7) + `) AS v`
	if _, err := im.tx.ExecContext(im.ctx, `INSERT INTO suppressions (email_key, email, reason, kind, source, created_at)
		SELECT v.column2, v.column3, v.column4, v.column5, `+b.source+` || v.column7, `+now+` FROM `+vals, args...); err != nil {
		return fmt.Errorf("store: import: suppress: %w", err)
	}
	if _, err := im.tx.ExecContext(im.ctx, `INSERT INTO member_history (member_id, at, what, old_value, new_value, why, source)
		SELECT v.column1, `+now+`, 'suppressed', '', v.column5, 'import: ' || v.column6, `+b.source+` || v.column7 FROM `+vals, args...); err != nil {
		return fmt.Errorf("store: import: history of suppressions: %w", err)
	}
	return nil
}

// firstSuppression is the suppression a first import's row makes: its
// kind and reason, or ok false for none. A row suppresses its address
// when the member left, or when a Folio export recorded a suppression
// (member.Decide; nobody resubscribes into an empty store).
func firstSuppression(row member.ImportRow) (kind, reason string, ok bool) {
	kind = string(row.Suppression)
	switch {
	case kind != "":
	case row.Member.Status == member.StatusBounced:
		kind = string(member.ReasonBounce)
	case row.Member.Status == member.StatusUnsubscribed:
		kind = string(member.ReasonUnsubscribe)
	default:
		return "", "", false
	}
	reason = row.SuppressionDetail
	if reason == "" {
		reason = "import: " + row.From
	}
	return kind, reason, true
}

// sqlText quotes s as an SQL string literal.
func sqlText(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
