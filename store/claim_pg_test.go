package store_test

import (
	"strconv"
	"strings"
	"testing"
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
