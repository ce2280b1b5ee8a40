package store_test

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/store"
)

// TestClaimsLookRowsUpOnPostgres: once a send's rows are added, a claim's
// guarded update looks each row up by its member. Before, the table's
// statistics predated the rows, the planner took the send for a few dozen
// rows, and every claim scanned all of them (4 ms a claim at 10,000
// members, growing with the list).
func TestClaimsLookRowsUpOnPostgres(t *testing.T) {
	s, target := openTarget(t, "postgres")
	seedClaims(t, s, 3000)

	tuples := queryStrings(t, "pgx", target, `SELECT reltuples::text FROM pg_class WHERE oid = 'deliveries'::regclass`)
	if n, err := strconv.ParseFloat(tuples[0], 64); err != nil || n < 2700 {
		t.Errorf("the planner counts %s rows in deliveries, want about 3000", tuples[0])
	}
	// The claim's update, as store.applyClaims writes it, for a handful.
	plan := queryStrings(t, "pgx", target, `EXPLAIN UPDATE deliveries AS d SET updated_at = 1
		FROM unnest($1::bigint[]) AS u(member_id)
		WHERE d.issue_id = $2 AND d.member_id = u.member_id AND d.state = 'pending'`, []int64{1, 2, 3, 4, 5}, claimIssue)
	keyed := false
	for _, line := range plan {
		keyed = keyed || strings.Contains(line, "Index Cond:") && strings.Contains(line, "member_id = u.member_id")
	}
	if !keyed {
		t.Errorf("a claim of 5 rows is planned as\n%s\nwant each row looked up by its member_id", strings.Join(plan, "\n"))
	}
}

// TestOutcomesKeepOnePlanOnPostgres: a commit's outcome write is planned
// once per connection, not at every commit (0.2 ms of server time each),
// and looks each row up by its member even while the statistics predate
// the sending rows. It runs eight times on one connection, as a
// committer's would; PostgreSQL keeps its generic plan from the sixth.
// (A claim's lookup has its size written in for the same end: a generic
// plan that did not know the LIMIT took a claim of 32 for a tenth of the
// send's rows, 450 ms a claim at a million members instead of 0.3.)
func TestOutcomesKeepOnePlanOnPostgres(t *testing.T) {
	ctx := context.Background()
	s, target := openTarget(t, "postgres")
	seedClaims(t, s, 3000)
	now := time.Now()
	claimed, err := s.Claim(ctx, claimIssue, "plans", 64, now, now.Add(time.Hour), func(member.Member) string { return "id" })
	if err != nil || len(claimed) != 64 {
		t.Fatalf("claimed %d: %v", len(claimed), err)
	}
	db, err := sql.Open("pgx", target)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	sent := []string{"sent", "sent", "sent", "sent"}
	replies := []string{"250 ok", "250 ok", "250 ok", "250 ok"}
	was := []string{"sending", "sending", "sending", "sending"}
	next := []int64{0, 0, 0, 0}
	for i := range 8 {
		ids := make([]int64, 4)
		for j := range ids {
			ids[j] = claimed[4*i+j].MemberID
		}
		res, err := conn.ExecContext(ctx, store.WriteSentSQL, claimIssue, "plans", now.UnixMilli(), ids, sent, replies, next, was)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 4 {
			t.Fatalf("commit %d wrote %d rows, want 4", i+1, n)
		}
	}
	var generic, custom int
	if err := conn.QueryRowContext(ctx, `SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1`, store.WriteSentSQL).Scan(&generic, &custom); err != nil {
		t.Fatal(err)
	}
	if generic == 0 {
		t.Errorf("planned anew at each of %d runs, want the generic plan kept", custom)
	}
	// The plan for known values, which PostgreSQL makes first.
	if _, err := conn.ExecContext(ctx, `SET plan_cache_mode = force_custom_plan`); err != nil {
		t.Fatal(err)
	}
	var plan []string
	rows, err := conn.QueryContext(ctx, `EXPLAIN `+store.WriteSentSQL, claimIssue, "plans", now.UnixMilli(), []int64{60, 61, 62, 63}, sent, replies, next, was)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(plan, "\n")
	if strings.Contains(text, "deliveries_due") || !strings.Contains(text, "member_id = u.member_id") {
		t.Errorf("an outcome write of 4 rows is planned as\n%s\nwant each row looked up by its member_id", text)
	}
}
