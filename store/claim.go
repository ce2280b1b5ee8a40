package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"
)

var _ delivery.Ledger = (*Store)(nil)

// EnsureDeliveries adds a pending row for each eligible member without a
// row for issueID. It is one INSERT … SELECT: members never pass through
// Go, and running it twice adds nothing.
func (s *Store) EnsureDeliveries(ctx context.Context, issueID string, a delivery.Audience, now time.Time) (int, error) {
	where, args := eligibleWhere(a, 3)
	q := `INSERT INTO deliveries (issue_id, member_id, state, created_at, updated_at)
		SELECT $1, m.id, 'pending', $2, $2 FROM members m WHERE ` + where + `
		ON CONFLICT (issue_id, member_id) DO NOTHING`
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, append([]any{issueID, ms(now)}, args...)...)
		if err != nil {
			return fmt.Errorf("store: ensure deliveries: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	if err == nil && n > 0 && s.Engine() == "postgres" {
		// Fresh statistics for the rows just added: with the table's old
		// ones (often none yet) the planner took a send's rows for a few
		// dozen and answered every claim by scanning all of them, 4 ms a
		// claim at 10,000 members and growing with the list.
		if _, err := s.w.ExecContext(ctx, `ANALYZE deliveries`); err != nil {
			return int(n), fmt.Errorf("store: ensure deliveries: analyze: %w", err)
		}
	}
	return int(n), err
}

// dueStates repeats deliveries_due's WHERE word for word: SQLite uses a
// partial index only for a query that says so.
const dueStates = `d.state IN ('pending', 'sending', 'failed_temp')`

// claimFrom joins due rows to their members and the suppression list.
const claimFrom = `SELECT d.member_id, d.message_id, d.attempts, d.first_try, d.state, d.owner, d.next_attempt, ` + memberColsM + `,
	EXISTS (SELECT 1 FROM suppressions x WHERE x.email_key = m.email_key)
	FROM deliveries d JOIN members m ON m.id = d.member_id WHERE d.issue_id = $1 AND `

// dueQuery is one kind of due row; timed ones take now as $2 and the
// limit as $3, the pending one the limit as $2.
type dueQuery struct {
	sql   string
	timed bool
}

// claimQueries find due rows: pending rows first (the common case, one
// indexed range), then due retries, then expired leases. Every Send
// drains all three, so the order only affects latency. Pending rows all
// have next_attempt 0: ordering by it first lets deliveries_due serve
// every query without a sort. On PostgreSQL each locks what it returns
// and skips rows another transaction holds (engine.lockDue).
func claimQueries(e engine) [3]dueQuery {
	lock := e.lockDue()
	return [...]dueQuery{
		{claimFrom + dueStates + ` AND d.state = 'pending' ORDER BY d.next_attempt, d.member_id LIMIT $2` + lock, false},
		{claimFrom + dueStates + ` AND d.state = 'failed_temp' AND d.next_attempt <= $2 ORDER BY d.next_attempt LIMIT $3` + lock, true},
		{claimFrom + dueStates + ` AND d.state = 'sending' AND d.next_attempt <= $2 ORDER BY d.next_attempt LIMIT $3` + lock, true},
	}
}

// The delivery loop's writes. Each guards on the row's state and owner as
// read (or as the run holds it): a row that changed in between is left
// alone, never taken or overwritten.
const (
	qSkip = `UPDATE deliveries SET state = 'skipped', reply = $1, owner = '', updated_at = $2
			WHERE issue_id = $3 AND member_id = $4 AND state = $5 AND owner = $6`
	qClaim = `UPDATE deliveries SET state = 'sending', owner = $1, message_id = $2, attempts = $3,
		first_try = $4, next_attempt = $5, updated_at = $6
		WHERE issue_id = $7 AND member_id = $8 AND state = $9 AND owner = $10 AND next_attempt = $11`
	qRelease = `UPDATE deliveries SET state = 'pending', owner = '', next_attempt = 0,
					attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, updated_at = $1
					WHERE issue_id = $2 AND member_id = $3 AND state = 'sending' AND owner = $4`
	qOutcome = `UPDATE deliveries SET state = $1, reply = $2, next_attempt = $3, owner = '',
					updated_at = $4 WHERE issue_id = $5 AND member_id = $6 AND state = 'sending' AND owner = $7`
	qSuppress = `INSERT INTO suppressions (email_key, email, reason, created_at)
					VALUES ($1, $2, $3, $4) ON CONFLICT (email_key) DO UPDATE SET reason = excluded.reason`
)

// hotQueries lists the statements a SQLite store prepares on Open.
func hotQueries(e engine) []string {
	out := []string{qSkip, qClaim, qRelease, qOutcome, qSuppress}
	for _, q := range claimQueries(e) {
		out = append(out, q.sql)
	}
	return out
}

// Claim implements delivery.Ledger: in one transaction it takes up to n
// due rows for owner, moving them to sending with a lease until
// leaseUntil; rows whose member left (unsubscribed, paused, suppressed)
// become skipped instead.
func (s *Store) Claim(ctx context.Context, issueID, owner string, n int, now, leaseUntil time.Time, messageID func(member.Member) string) ([]delivery.Claim, error) {
	var out []delivery.Claim
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.claim(ctx, tx, issueID, owner, n, now, leaseUntil, messageID)
		return err
	})
	return out, err
}

// claim is Claim inside tx, which a group commit of outcomes may share.
// When the due rows run short, the rows of dead owners (BindOwner) come
// back at once and are claimed too.
func (s *Store) claim(ctx context.Context, tx *sql.Tx, issueID, owner string, n int, now, leaseUntil time.Time, messageID func(member.Member) string) ([]delivery.Claim, error) {
	n = max(n, 1)
	out, err := s.claimDue(ctx, tx, issueID, owner, n, now, leaseUntil, messageID)
	if err != nil || len(out) == n {
		return out, err
	}
	back, err := s.releaseDead(ctx, tx, issueID, owner, now)
	if err != nil || back == 0 {
		return out, err
	}
	more, err := s.claimDue(ctx, tx, issueID, owner, n-len(out), now, leaseUntil, messageID)
	return append(out, more...), err
}

// claimDue takes up to n due rows, kind by kind.
func (s *Store) claimDue(ctx context.Context, tx *sql.Tx, issueID, owner string, n int, now, leaseUntil time.Time, messageID func(member.Member) string) ([]delivery.Claim, error) {
	var out []delivery.Claim
	for _, q := range claimQueries(s.eng) {
		for len(out) < n {
			due, err := s.dueRows(ctx, tx, q, issueID, now, n-len(out))
			if err != nil {
				return nil, err
			}
			if len(due) == 0 {
				break
			}
			ps := make([]plan, len(due))
			for i, d := range due {
				ps[i] = planRow(d, issueID, now, leaseUntil, messageID)
			}
			dids, err := s.apply(ctx, tx, issueID, owner, now, leaseUntil, ps)
			if err != nil {
				return nil, err
			}
			changed := 0
			for i, did := range dids {
				if did == claimed {
					out = append(out, ps[i].c)
				}
				if did != untouched {
					changed++
				}
			}
			if changed == 0 {
				break // every row changed under us: never loop on them
			}
		}
	}
	return out, nil
}

// dueRow is a due row as read, with what its guarded update checks.
type dueRow struct {
	c          delivery.Claim
	suppressed bool
	state      string
	owner      string
	next       int64
}

func (s *Store) dueRows(ctx context.Context, tx *sql.Tx, q dueQuery, issueID string, now time.Time, limit int) ([]dueRow, error) {
	args := []any{issueID, limit}
	if q.timed {
		args = []any{issueID, ms(now), limit}
	}
	query, args := s.eng.claimLimit(q.sql, args)
	rows, err := s.query(ctx, tx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: due rows: %w", err)
	}
	defer rows.Close()
	var out []dueRow
	for rows.Next() {
		var d dueRow
		var first int64
		var status string
		c := &d.c
		if err := rows.Scan(&c.MemberID, &c.MessageID, &c.Attempts, &first, &d.state, &d.owner, &d.next,
			&c.Member.ID, &c.Member.Email, &c.Member.Name, &c.Member.Tier, &status, &c.Member.DeliverPDF, &d.suppressed); err != nil {
			return nil, fmt.Errorf("store: due rows: %w", err)
		}
		c.Member.Status = member.Status(status)
		c.FirstTry = fromMS(first)
		out = append(out, d)
	}
	return out, rows.Err()
}

// What claimRow did with a due row.
const (
	untouched = iota // it had changed since it was read
	skipped
	claimed
)

// plan is what a claim does with one due row: skip it (its member left)
// or claim it as c.
type plan struct {
	d    dueRow
	c    delivery.Claim
	skip bool
	why  string
}

// planRow decides what becomes of a due row.
func planRow(d dueRow, issueID string, now, leaseUntil time.Time, messageID func(member.Member) string) plan {
	p := plan{d: d, c: d.c}
	c := &p.c
	if c.Member.Status != member.StatusActive || d.suppressed {
		p.skip, p.why = true, "member "+string(c.Member.Status)
		if d.suppressed {
			p.why = "address suppressed"
		}
		return p
	}
	if c.MessageID == "" {
		c.MessageID = messageID(c.Member)
	}
	if c.FirstTry.IsZero() {
		c.FirstTry = now
	}
	c.IssueID, c.State, c.NextAttempt, c.UpdatedAt = issueID, delivery.StateSending, leaseUntil, now
	c.Attempts++
	return p
}

// claimApplier is an engine that runs a claim's guarded updates in one
// statement (PostgreSQL: one round trip instead of one a row).
type claimApplier interface {
	applyClaims(ctx context.Context, tx *sql.Tx, issueID, owner string, now, leaseUntil time.Time, ps []plan) ([]int, error)
}

// apply runs the plans' guarded updates — each checks the row is still
// as it was read — and reports what each did.
func (s *Store) apply(ctx context.Context, tx *sql.Tx, issueID, owner string, now, leaseUntil time.Time, ps []plan) ([]int, error) {
	if a, ok := s.eng.(claimApplier); ok {
		return a.applyClaims(ctx, tx, issueID, owner, now, leaseUntil, ps)
	}
	out := make([]int, len(ps))
	for i, p := range ps {
		var (
			res sql.Result
			err error
		)
		if p.skip {
			res, err = s.exec(ctx, tx, qSkip, p.why, ms(now), issueID, p.c.MemberID, p.d.state, p.d.owner)
		} else {
			c := p.c
			res, err = s.exec(ctx, tx, qClaim, owner, c.MessageID, c.Attempts, ms(c.FirstTry), ms(leaseUntil), ms(now),
				issueID, c.MemberID, p.d.state, p.d.owner, p.d.next)
		}
		if err != nil {
			return nil, fmt.Errorf("store: claim: %w", err)
		}
		what := claimed
		if p.skip {
			what = skipped
		}
		if out[i], err = did(res, what); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// did is what a guarded update did: what, or untouched when it matched
// no row.
func did(res sql.Result, what int) (int, error) {
	n, err := res.RowsAffected()
	if err != nil {
		return untouched, fmt.Errorf("store: claim: %w", err)
	}
	if n != 1 {
		return untouched, nil
	}
	return what, nil
}
