package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

// TestClaimsLookRowsUpOnPostgres: once a send's rows are added, a claim's
// guarded update looks each row up by its member. Before, the table's
// statistics predated the rows, the planner took the send for a few dozen
// rows, and every claim scanned all of them (4 ms a claim at 10,000
// members, growing with the list).
func TestClaimsLookRowsUpOnPostgres(t *testing.T) {
	target := storetest.Target(t, "postgres")
	s, err := store.Open(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore(t, s)
	seedClaims(t, s, 3000)

	db, err := sql.Open("pgx", target)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tuples float64
	if err := db.QueryRow(`SELECT reltuples FROM pg_class WHERE oid = 'deliveries'::regclass`).Scan(&tuples); err != nil {
		t.Fatal(err)
	}
	if tuples < 2700 {
		t.Errorf("the planner counts %.0f rows in deliveries, want about 3000", tuples)
	}
	// The claim's update, as store.applyClaims writes it, for a handful.
	rows, err := db.Query(`EXPLAIN UPDATE deliveries AS d SET updated_at = 1
		FROM unnest($1::bigint[]) AS u(member_id)
		WHERE d.issue_id = $2 AND d.member_id = u.member_id AND d.state = 'pending'`, []int64{1, 2, 3, 4, 5}, claimIssue)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	keyed := false
	for _, line := range plan {
		keyed = keyed || strings.Contains(line, "Index Cond:") && strings.Contains(line, "member_id = u.member_id")
	}
	if !keyed {
		t.Errorf("a claim of 5 rows is planned as\n%s\nwant each row looked up by its member_id", strings.Join(plan, "\n"))
	}
}
