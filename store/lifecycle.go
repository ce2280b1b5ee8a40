package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/foliopress/folio/internal/member"
)

var _ member.Store = (*Store)(nil)

// lifeCols are the member columns the lifecycle reads: memberCols and the
// end of a member's own pause.
const lifeCols = memberCols + `, paused_until`

// Change implements member.Store: fn runs in one write transaction; a
// non-empty once is recorded in it, and a once recorded before makes
// Change return member.ErrDone without running fn.
func (s *Store) Change(ctx context.Context, once string, fn func(member.Tx) error) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if once != "" {
			seen, err := claimOnce(ctx, tx, once, timeNow())
			if err != nil {
				return err
			}
			if seen {
				return member.ErrDone
			}
		}
		return fn(&lifeTx{ctx: ctx, tx: tx})
	})
}

// timeNow is when a once-key is recorded.
func timeNow() time.Time { return time.Now() }

// claimOnce records key; seen reports that it was recorded before.
func claimOnce(ctx context.Context, tx *sql.Tx, key string, now time.Time) (seen bool, err error) {
	return (&lifeTx{ctx: ctx, tx: tx}).claimOnce(key, now)
}

func (t *lifeTx) claimOnce(key string, now time.Time) (seen bool, err error) {
	res, err := t.exec(`INSERT INTO once_keys (key, at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, ms(now))
	if err != nil {
		return false, fmt.Errorf("store: once key: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: once key: %w", err)
	}
	return n == 0, nil
}

// lifeTx implements member.Tx on one SQL transaction.
type lifeTx struct {
	ctx context.Context
	tx  *sql.Tx
	// stmts, when set, caches the transaction's prepared statements: a
	// Batch runs the same few statements for hundreds of changes.
	stmts map[string]*sql.Stmt
}

// stmt is q prepared in the transaction (once per Batch), or nil.
func (t *lifeTx) stmt(q string) (*sql.Stmt, error) {
	if t.stmts == nil {
		return nil, nil
	}
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	st, err := t.tx.PrepareContext(t.ctx, q)
	if err != nil {
		return nil, fmt.Errorf("store: prepare: %w", err)
	}
	t.stmts[q] = st
	return st, nil
}

func (t *lifeTx) exec(q string, args ...any) (sql.Result, error) {
	st, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	if st != nil {
		return st.ExecContext(t.ctx, args...)
	}
	return t.tx.ExecContext(t.ctx, q, args...)
}

// row is QueryRow; a failed prepare comes out of Scan.
func (t *lifeTx) row(q string, args ...any) scanner {
	st, err := t.stmt(q)
	if err != nil {
		return errRow{err}
	}
	if st != nil {
		return st.QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, q, args...)
}

func (t *lifeTx) query(q string, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	if st != nil {
		return st.QueryContext(t.ctx, args...)
	}
	return t.tx.QueryContext(t.ctx, q, args...)
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

func scanLife(row scanner) (member.Member, error) {
	var m member.Member
	var status string
	var paused int64
	err := row.Scan(&m.ID, &m.Email, &m.Name, &m.Tier, &status, &m.DeliverPDF, &paused)
	m.Status, m.PausedUntil = member.Status(status), fromMS(paused)
	return m, err
}

func (t *lifeTx) member(q string, arg any, what string) (member.Member, error) {
	m, err := scanLife(t.row(`SELECT `+lifeCols+` FROM members WHERE `+q, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return member.Member{}, fmt.Errorf("store: %s: %w", what, member.ErrNoMember)
	}
	if err != nil {
		return member.Member{}, fmt.Errorf("store: %s: %w", what, err)
	}
	return m, nil
}

func (t *lifeTx) MemberByID(id int64) (member.Member, error) {
	return t.member(`id = $1`, id, fmt.Sprintf("member %d", id))
}

func (t *lifeTx) MemberByEmail(email string) (member.Member, error) {
	return t.member(`email_key = $1`, emailKey(email), fmt.Sprintf("member %q", email))
}

func (t *lifeTx) Insert(m member.Member) (int64, error) {
	now := time.Now().UnixMilli()
	var id int64
	err := t.row(`INSERT INTO members (email, email_key, name, tier, status, deliver_pdf, paused_until, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
		m.Email, emailKey(m.Email), m.Name, m.Tier, string(m.Status), m.DeliverPDF, ms(m.PausedUntil), now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: insert member %s: %w", m.Email, err)
	}
	return id, nil
}

func (t *lifeTx) Update(m member.Member) error {
	res, err := t.exec(`UPDATE members SET email = $1, email_key = $2, name = $3, tier = $4, status = $5,
		deliver_pdf = $6, paused_until = $7, updated_at = $8 WHERE id = $9`,
		m.Email, emailKey(m.Email), m.Name, m.Tier, string(m.Status), m.DeliverPDF, ms(m.PausedUntil), time.Now().UnixMilli(), m.ID)
	if err != nil {
		return fmt.Errorf("store: update member %d: %w", m.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update member %d: %w", m.ID, member.ErrNoMember)
	}
	return nil
}

func (t *lifeTx) Delete(id int64) error {
	for _, q := range []string{
		`DELETE FROM deliveries WHERE member_id = $1`,
		`DELETE FROM member_history WHERE member_id = $1`,
		`DELETE FROM member_consents WHERE member_id = $1`,
		`DELETE FROM soft_bounces WHERE member_id = $1`,
		`DELETE FROM members WHERE id = $1`,
	} {
		if _, err := t.exec(q, id); err != nil {
			return fmt.Errorf("store: delete member %d: %w", id, err)
		}
	}
	return nil
}

func (t *lifeTx) Suppression(email string) (member.Suppression, bool, error) {
	s, err := scanSuppression(t.row(`SELECT `+suppressionCols+` FROM suppressions WHERE email_key = $1`, emailKey(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return member.Suppression{}, false, nil
	}
	if err != nil {
		return member.Suppression{}, false, fmt.Errorf("store: suppression: %w", err)
	}
	return s, true, nil
}

func (t *lifeTx) Suppress(s member.Suppression) error {
	_, err := t.exec(`INSERT INTO suppressions (email_key, email, reason, kind, source, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email_key) DO UPDATE SET
		email = excluded.email, reason = excluded.reason, kind = excluded.kind, source = excluded.source, created_at = excluded.created_at`,
		emailKey(s.Email), s.Email, s.Detail, string(s.Reason), s.Source, ms(s.At))
	if err != nil {
		return fmt.Errorf("store: suppress: %w", err)
	}
	return nil
}

func (t *lifeTx) Unsuppress(email string) error {
	if _, err := t.exec(`DELETE FROM suppressions WHERE email_key = $1`, emailKey(email)); err != nil {
		return fmt.Errorf("store: unsuppress: %w", err)
	}
	return nil
}

func (t *lifeTx) AddEvent(e member.Event) error {
	_, err := t.exec(`INSERT INTO member_history (member_id, at, what, old_value, new_value, why, source)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.MemberID, ms(e.At), e.What, e.From, e.To, e.Why, e.Source)
	if err != nil {
		return fmt.Errorf("store: history: %w", err)
	}
	return nil
}

func (t *lifeTx) AddConsent(c member.Consent) error {
	_, err := t.exec(`INSERT INTO member_consents (member_id, email, at, source, detail)
		VALUES ($1, $2, $3, $4, $5)`, c.MemberID, c.Email, ms(c.At), c.Source, c.Detail)
	if err != nil {
		return fmt.Errorf("store: consent: %w", err)
	}
	return nil
}

// SoftBounce records the soft bounce and measures the streak over the
// member's latest issues that reached the relay (sent in the ledger),
// newest first: it ends at the first issue without a soft bounce. A
// bounce for an unknown issue counts against the latest one.
func (t *lifeTx) SoftBounce(memberID int64, issueID string, at time.Time, detail string, limit int) (int, error) {
	recent, err := t.recentIssues(memberID, limit)
	if err != nil {
		return 0, err
	}
	if issueID == "" && len(recent) > 0 {
		issueID = recent[0]
	}
	if issueID == "" {
		issueID = "unknown"
	}
	if _, err := t.exec(`INSERT INTO soft_bounces (member_id, issue_id, at, detail) VALUES ($1, $2, $3, $4)
		ON CONFLICT (member_id, issue_id) DO NOTHING`, memberID, issueID, ms(at), detail); err != nil {
		return 0, fmt.Errorf("store: soft bounce: %w", err)
	}
	if len(recent) == 0 {
		return 1, nil
	}
	streak := 0
	for _, iss := range recent {
		var one int
		err := t.row(`SELECT 1 FROM soft_bounces WHERE member_id = $1 AND issue_id = $2`, memberID, iss).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("store: soft bounce: %w", err)
		}
		streak++
	}
	return streak, nil
}

// recentIssues lists the member's latest issues that went out to them,
// newest first, at most n.
func (t *lifeTx) recentIssues(memberID int64, n int) ([]string, error) {
	rows, err := t.query(`SELECT issue_id FROM deliveries WHERE member_id = $1 AND state = 'sent'
		ORDER BY issue_id DESC LIMIT $2`, memberID, n)
	if err != nil {
		return nil, fmt.Errorf("store: recent issues: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: recent issues: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// History implements member.Store: the member's events, oldest first.
func (s *Store) History(ctx context.Context, memberID int64) ([]member.Event, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, member_id, at, what, old_value, new_value, why, source
		FROM member_history WHERE member_id = $1 ORDER BY id`, memberID)
	if err != nil {
		return nil, fmt.Errorf("store: history: %w", err)
	}
	defer rows.Close()
	var out []member.Event
	for rows.Next() {
		var e member.Event
		var at int64
		if err := rows.Scan(&e.ID, &e.MemberID, &at, &e.What, &e.From, &e.To, &e.Why, &e.Source); err != nil {
			return nil, fmt.Errorf("store: history: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
