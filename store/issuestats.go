package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/foliopress/folio/internal/delivery"
)

// IssueStats are an issue's figures as the dashboard shows them.
type IssueStats struct {
	Week  string
	Total int // ledger rows: members the issue was for
	Sent  int
	// Failed counts permanent failures at send time; Bounces adds the
	// hard bounces and soft-bounce streaks reported after (DSNs), and
	// Complaints the members who reported it as spam, each within a week
	// of their copy going out.
	Failed     int
	Bounces    int
	Complaints int
	// Retrying, Pending and Skipped complete the ledger's count:
	// Total = Sent + Failed + Retrying + Pending + Skipped.
	Retrying, Pending, Skipped int
	Computed                   time.Time
}

// BounceRate and ComplaintRate are shares of the messages sent.
func (st IssueStats) BounceRate() float64    { return rate(st.Bounces, st.Sent) }
func (st IssueStats) ComplaintRate() float64 { return rate(st.Complaints, st.Sent) }

func rate(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// statsWindow is how long after a member's copy went out a bounce or a
// complaint is put down to that issue.
const statsWindow = 7 * 24 * time.Hour

// RefreshIssueStats counts week's figures from its ledger and the members'
// history, and keeps them for the dashboard.
func (s *Store) RefreshIssueStats(ctx context.Context, week string, now time.Time) (IssueStats, error) {
	st := IssueStats{Week: week, Computed: now}
	win := statsWindow.Milliseconds()
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN d.state = 'sent' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.state = 'failed_perm' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.state = 'failed_temp' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.state IN ('pending', 'sending') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.state = 'skipped' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.state = 'failed_perm' OR EXISTS (SELECT 1 FROM member_history h WHERE h.member_id = d.member_id
			AND h.what = 'suppressed' AND h.new_value = 'bounce' AND h.at >= d.updated_at AND h.at < d.updated_at + $2)
			OR EXISTS (SELECT 1 FROM soft_bounces b WHERE b.member_id = d.member_id AND b.issue_id = d.issue_id) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.state = 'sent' AND EXISTS (SELECT 1 FROM member_history h WHERE h.member_id = d.member_id
			AND h.what = 'suppressed' AND h.new_value = 'complaint' AND h.at >= d.updated_at AND h.at < d.updated_at + $2) THEN 1 ELSE 0 END), 0)
		FROM deliveries d WHERE d.issue_id = $1`, week, win).Scan(&st.Total, &st.Sent, &st.Failed, &st.Retrying, &st.Pending, &st.Skipped, &st.Bounces, &st.Complaints)
	if err != nil {
		return st, fmt.Errorf("store: issue stats %s: %w", week, err)
	}
	if st.Total == 0 {
		return st, nil // pruned or never sent: keep what was counted before
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO issue_stats (week, total, sent, failed, retrying, pending, skipped, bounces, complaints, computed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (week) DO UPDATE SET total = excluded.total, sent = excluded.sent, failed = excluded.failed, retrying = excluded.retrying,
			pending = excluded.pending, skipped = excluded.skipped, bounces = excluded.bounces, complaints = excluded.complaints, computed_at = excluded.computed_at`,
			week, st.Total, st.Sent, st.Failed, st.Retrying, st.Pending, st.Skipped, st.Bounces, st.Complaints, ms(now))
		return err
	})
	if err != nil {
		return st, fmt.Errorf("store: issue stats %s: %w", week, err)
	}
	return st, nil
}

// IssueStatsOf returns week's kept figures; false when none are kept.
func (s *Store) IssueStatsOf(ctx context.Context, week string) (IssueStats, bool, error) {
	st := IssueStats{Week: week}
	var at int64
	err := s.r.QueryRowContext(ctx, `SELECT total, sent, failed, retrying, pending, skipped, bounces, complaints, computed_at FROM issue_stats WHERE week = $1`, week).
		Scan(&st.Total, &st.Sent, &st.Failed, &st.Retrying, &st.Pending, &st.Skipped, &st.Bounces, &st.Complaints, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("store: issue stats %s: %w", week, err)
	}
	st.Computed = fromMS(at)
	return st, true, nil
}

// AllIssueStats returns the kept figures of every issue, newest first, at
// most limit.
func (s *Store) AllIssueStats(ctx context.Context, limit int) ([]IssueStats, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT week, total, sent, failed, retrying, pending, skipped, bounces, complaints, computed_at
		FROM issue_stats ORDER BY week DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: issue stats: %w", err)
	}
	defer rows.Close()
	var out []IssueStats
	for rows.Next() {
		var st IssueStats
		var at int64
		if err := rows.Scan(&st.Week, &st.Total, &st.Sent, &st.Failed, &st.Retrying, &st.Pending, &st.Skipped, &st.Bounces, &st.Complaints, &at); err != nil {
			return nil, fmt.Errorf("store: issue stats: %w", err)
		}
		st.Computed = fromMS(at)
		out = append(out, st)
	}
	return out, rows.Err()
}

// StaleIssueStats lists the weeks whose figures are missing, or kept from
// before older than the given time while the week may still get late
// bounces and complaints (its send is recent): the dashboard's refresher
// counts them again.
func (s *Store) StaleIssueStats(ctx context.Context, older, recent time.Time) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT i.week FROM issues i LEFT JOIN issue_stats st ON st.week = i.week
		WHERE st.week IS NULL OR (st.computed_at < $1 AND i.built_at >= $2) ORDER BY i.week DESC`, ms(older), ms(recent))
	if err != nil {
		return nil, fmt.Errorf("store: stale issue stats: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, fmt.Errorf("store: stale issue stats: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// Run is one week's scheduled or editor's run as the dashboard lists it.
type Run struct {
	Week     string
	Started  time.Time
	Finished time.Time // zero while unfinished
}

// LastRuns lists the latest runs, newest week first, at most limit.
func (s *Store) LastRuns(ctx context.Context, limit int) ([]Run, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT week, started_at, finished_at FROM runs ORDER BY week DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: runs: %w", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var st, fin int64
		if err := rows.Scan(&r.Week, &st, &fin); err != nil {
			return nil, fmt.Errorf("store: runs: %w", err)
		}
		r.Started, r.Finished = fromMS(st), fromMS(fin)
		out = append(out, r)
	}
	return out, rows.Err()
}

// FirstFailures returns at most limit of issueID's failed deliveries (for
// now or for good), in member order, with each member's address and the
// relay's reply: the console lists the first hundred of a large send's.
func (s *Store) FirstFailures(ctx context.Context, issueID string, limit int) ([]delivery.Failure, error) {
	return s.failures(ctx, issueID, max(limit, 1))
}
