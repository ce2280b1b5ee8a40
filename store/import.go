package store

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/foliopress/folio/internal/member"
)

// importBatch is how many rows one INSERT into the staging table carries
// (8 columns each, well under SQLite's 32766 parameters).
const importBatch = 200

// ImportMembers adds and updates members from rows in one transaction,
// under the rule that unsubscribes stick (member.Decide): a member who
// unsubscribed, bounced or complained, or whose address is suppressed,
// is never made active or paused again unless o.Resubscribe, which
// records their consent. Every status change, addition, suppression and
// consent goes into the members' history with the row as its source.
//
// Rows are staged in a temporary table and applied set by set, so a
// million members never pass through Go at once. A failing row (or a
// failing reader) leaves the store unchanged.
func (s *Store) ImportMembers(ctx context.Context, rows iter.Seq2[member.ImportRow, error], o member.ImportOptions) (member.ImportReport, error) {
	var rep member.ImportReport
	if o.Resubscribe && strings.TrimSpace(o.Consent) == "" {
		return rep, member.ErrNoConsent
	}
	now := ms(time.Now())
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE import_rows (
			line INTEGER NOT NULL, email TEXT NOT NULL, email_key TEXT NOT NULL, name TEXT NOT NULL,
			tier TEXT NOT NULL, status TEXT NOT NULL, deliver_pdf TEXT NOT NULL, src TEXT NOT NULL, want_supp TEXT NOT NULL, want_detail TEXT NOT NULL,
			member_id INTEGER, is_new INTEGER NOT NULL DEFAULT 0, old_status TEXT NOT NULL DEFAULT '',
			old_pdf TEXT NOT NULL DEFAULT '', supp TEXT NOT NULL DEFAULT '', eff TEXT NOT NULL DEFAULT '',
			kept INTEGER NOT NULL DEFAULT 0, resub INTEGER NOT NULL DEFAULT 0, changed INTEGER NOT NULL DEFAULT 0)`); err != nil {
			return fmt.Errorf("store: import: %w", err)
		}
		// A failure rolls the table back with everything else.
		total, err := stageRows(ctx, tx, rows)
		if err != nil {
			return err
		}
		if err := applyImport(ctx, tx, total, now, o, &rep); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DROP TABLE import_rows`); err != nil {
			return fmt.Errorf("store: import: %w", err)
		}
		return nil
	})
	if err != nil {
		return member.ImportReport{}, err
	}
	return rep, nil
}

// stageRows copies the rows into import_rows, in batches.
func stageRows(ctx context.Context, tx *sql.Tx, rows iter.Seq2[member.ImportRow, error]) (int, error) {
	const cols = 10
	insert := func(n int) string {
		var b strings.Builder
		b.WriteString(`INSERT INTO import_rows (line, email, email_key, name, tier, status, deliver_pdf, src, want_supp, want_detail) VALUES `)
		for r := range n {
			if r > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for c := range cols {
				if c > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "$%d", r*cols+c+1)
			}
			b.WriteByte(')')
		}
		return b.String()
	}
	full, err := tx.PrepareContext(ctx, insert(importBatch))
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
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, insert(len(args)/cols), args...)
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
		args = append(args, row.Line, m.Email, emailKey(m.Email), m.Name, m.Tier, string(m.Status), m.DeliverPDF, row.From, string(row.Suppression), row.SuppressionDetail)
		total++
		if len(args) == cap(args) {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	return total, flush()
}

// applyImport applies the staged rows: it looks up each address's member
// and suppression, decides as member.Decide does, then writes members,
// suppressions, consents and history in a handful of statements.
func applyImport(ctx context.Context, tx *sql.Tx, total int, now int64, o member.ImportOptions, rep *member.ImportReport) error {
	resub := 0
	if o.Resubscribe {
		resub = 1
	}
	left := `(old_status IN ('unsubscribed', 'bounced') OR supp <> '')`
	wantsIn := `status NOT IN ('unsubscribed', 'bounced')`
	source := `'import ' || $1 || ':' || line`
	// A row suppresses its address when it has none yet and the member
	// left, or when a Folio export recorded a suppression (not for a
	// member who just resubscribed).
	suppressNew := `supp = '' AND (eff IN ('unsubscribed', 'bounced') OR (want_supp <> '' AND resub = 0))`
	newKind := `CASE WHEN want_supp <> '' THEN want_supp WHEN eff = 'bounced' THEN 'bounce' ELSE 'unsubscribe' END`
	steps := []struct {
		what string
		q    string
		args []any
	}{
		{"find members", `UPDATE import_rows SET member_id = m.id, old_status = m.status, old_pdf = m.deliver_pdf
			FROM members m WHERE m.email_key = import_rows.email_key`, nil},
		{"find suppressions", `UPDATE import_rows SET supp = x.kind FROM suppressions x WHERE x.email_key = import_rows.email_key`, nil},
		// member.Decide, set by set.
		{"decide", `UPDATE import_rows SET
			kept = CASE WHEN ` + wantsIn + ` AND ` + left + ` AND $1 = 0 THEN 1 ELSE 0 END,
			resub = CASE WHEN ` + wantsIn + ` AND ` + left + ` AND $1 = 1 THEN 1 ELSE 0 END,
			eff = CASE
				WHEN ` + wantsIn + ` AND ` + left + ` AND $1 = 0 THEN
					CASE WHEN old_status IN ('unsubscribed', 'bounced') THEN old_status
						WHEN supp IN ('unsubscribe', 'complaint') THEN 'unsubscribed'
						WHEN supp = 'bounce' THEN 'bounced'
						ELSE status END
				WHEN NOT (` + wantsIn + `) AND old_status = 'unsubscribed' THEN 'unsubscribed'
				ELSE status END`, []any{resub}},
		{"history of status changes", `INSERT INTO member_history (member_id, at, what, old_value, new_value, why, source)
			SELECT member_id, $2, 'status', old_status, eff,
				CASE WHEN resub = 1 THEN 'resubscribed: ' || $3
					WHEN kept = 1 THEN 'address suppressed (' || supp || ')'
					ELSE 'import: ' || src END, ` + source + `
			FROM import_rows WHERE member_id IS NOT NULL AND eff <> old_status ORDER BY line`, []any{o.File, now, o.Consent}},
		{"history of PDF preferences", `INSERT INTO member_history (member_id, at, what, old_value, new_value, why, source)
			SELECT member_id, $2, 'deliver_pdf', old_pdf, deliver_pdf, 'import', ` + source + `
			FROM import_rows WHERE member_id IS NOT NULL AND deliver_pdf <> old_pdf ORDER BY line`, []any{o.File, now}},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("store: import: %s: %w", st.what, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE import_rows SET changed = 1 FROM members m WHERE m.id = import_rows.member_id
		AND (m.email <> import_rows.email OR m.name <> import_rows.name OR m.tier <> import_rows.tier
			OR m.status <> import_rows.eff OR m.deliver_pdf <> import_rows.deliver_pdf)`); err != nil {
		return fmt.Errorf("store: import: compare members: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE members SET email = i.email, name = i.name, tier = i.tier, status = i.eff,
			deliver_pdf = i.deliver_pdf,
			paused_until = CASE WHEN i.eff = members.status THEN members.paused_until ELSE 0 END, updated_at = $1
		FROM import_rows i WHERE members.id = i.member_id AND i.changed = 1`, now)
	if err != nil {
		return fmt.Errorf("store: import: update members: %w", err)
	}
	updated, _ := res.RowsAffected()
	res, err = tx.ExecContext(ctx, `INSERT INTO members (email, email_key, name, tier, status, deliver_pdf, created_at, updated_at)
		SELECT email, email_key, name, tier, eff, deliver_pdf, $1, $1 FROM import_rows WHERE member_id IS NULL ORDER BY line`, now)
	if err != nil {
		return fmt.Errorf("store: import: add members: %w", err)
	}
	added, _ := res.RowsAffected()
	after := []struct {
		what string
		q    string
		args []any
	}{
		{"new ids", `UPDATE import_rows SET member_id = m.id, is_new = 1 FROM members m
			WHERE import_rows.member_id IS NULL AND m.email_key = import_rows.email_key`, nil},
		{"history of additions", `INSERT INTO member_history (member_id, at, what, old_value, new_value, why, source)
			SELECT member_id, $2, 'added', '', eff, 'import: ' || src, ` + source + ` FROM import_rows WHERE is_new = 1 ORDER BY line`,
			[]any{o.File, now}},
		{"suppress", `INSERT INTO suppressions (email_key, email, reason, kind, source, created_at)
			SELECT email_key, email, CASE WHEN want_detail <> '' THEN want_detail ELSE 'import: ' || src END, ` + newKind + `, ` + source + `, $2
			FROM import_rows WHERE ` + suppressNew + ``, []any{o.File, now}},
		{"history of suppressions", `INSERT INTO member_history (member_id, at, what, old_value, new_value, why, source)
			SELECT member_id, $2, 'suppressed', '', ` + newKind + `, 'import: ' || src, ` + source + `
			FROM import_rows WHERE ` + suppressNew + ` ORDER BY line`, []any{o.File, now}},
		{"lift suppressions", `DELETE FROM suppressions WHERE email_key IN (SELECT email_key FROM import_rows WHERE resub = 1 AND supp <> '')`, nil},
		{"history of lifted suppressions", `INSERT INTO member_history (member_id, at, what, old_value, new_value, why, source)
			SELECT member_id, $2, 'unsuppressed', supp, '', $3, ` + source + ` FROM import_rows WHERE resub = 1 AND supp <> '' ORDER BY line`,
			[]any{o.File, now, o.Consent}},
		{"consents", `INSERT INTO member_consents (member_id, email, at, source, detail)
			SELECT member_id, email, $2, ` + source + `, $3 FROM import_rows WHERE resub = 1 ORDER BY line`, []any{o.File, now, o.Consent}},
		{"history of consents", `INSERT INTO member_history (member_id, at, what, old_value, new_value, why, source)
			SELECT member_id, $2, 'consent', '', '', $3, ` + source + ` FROM import_rows WHERE resub = 1 ORDER BY line`,
			[]any{o.File, now, o.Consent}},
	}
	for _, st := range after {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("store: import: %s: %w", st.what, err)
		}
	}
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM import_rows WHERE resub = 1`).Scan(&rep.Resubscribed); err != nil {
		return fmt.Errorf("store: import: %w", err)
	}
	kept, err := tx.QueryContext(ctx, `SELECT line, email, eff, supp FROM import_rows WHERE kept = 1 ORDER BY line`)
	if err != nil {
		return fmt.Errorf("store: import: kept rows: %w", err)
	}
	defer kept.Close()
	for kept.Next() {
		var k member.Kept
		var st, supp string
		if err := kept.Scan(&k.Line, &k.Email, &st, &supp); err != nil {
			return fmt.Errorf("store: import: kept rows: %w", err)
		}
		k.Status, k.Reason = member.Status(st), member.Reason(supp)
		rep.Kept = append(rep.Kept, k)
	}
	if err := kept.Err(); err != nil {
		return fmt.Errorf("store: import: kept rows: %w", err)
	}
	// Kept rows whose other fields did not change either count as kept
	// only, not as unchanged.
	var keptOnly int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM import_rows WHERE kept = 1 AND is_new = 0 AND changed = 0`).Scan(&keptOnly); err != nil {
		return fmt.Errorf("store: import: %w", err)
	}
	rep.Added, rep.Updated = int(added), int(updated)
	rep.Unchanged = total - rep.Added - rep.Updated - keptOnly
	return nil
}
