package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"github.com/pressly/goose/v3/lock"
)

// postgresEngine is PostgreSQL through pgx v5's database/sql driver.
type postgresEngine struct {
	db *sql.DB
}

func (e *postgresEngine) name() string    { return "postgres" }
func (e *postgresEngine) lockDue() string { return " FOR UPDATE OF d SKIP LOCKED" }
func (e *postgresEngine) close() error    { return nil }

// claimLimit writes the claim's size into its query. PostgreSQL then
// keeps one plan per connection and size: one planned for an unknown
// LIMIT took a claim for a tenth of the send's rows (450 ms a claim at a
// million members, against 0.3 ms), and one planned anew for every claim
// cost 0.6 ms of server time each.
func (e *postgresEngine) claimLimit(query string, args []any) (string, []any) {
	n := len(args)
	return strings.Replace(query, "LIMIT $"+strconv.Itoa(n), fmt.Sprintf("LIMIT %d", args[n-1]), 1), args[:n-1]
}

// openPostgres connects to the database at url (pgx's URL or key=value
// form; PG* environment variables such as PGPASSWORD fill in what it
// leaves out) and applies the migrations.
func openPostgres(ctx context.Context, url string, readOnly bool) (*Store, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: postgres url: %w", err)
	}
	if readOnly {
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("store: connect to postgres %s@%s/%s: %w", cfg.User, cfg.Host, cfg.Database, err), db.Close())
	}
	if readOnly {
		if err := checkVersion(ctx, db, "postgres"); err != nil {
			return nil, errors.Join(err, db.Close())
		}
		return &Store{eng: &postgresEngine{db: db}, w: db, r: db}, nil
	}
	// Instances starting together take turns at the migrations, under a
	// session advisory lock named after the database and schema.
	var where string
	if err := db.QueryRowContext(ctx, `SELECT current_database() || '.' || current_schema()`).Scan(&where); err != nil {
		return nil, errors.Join(fmt.Errorf("store: postgres schema: %w", err), db.Close())
	}
	h := fnv.New64a()
	h.Write([]byte("folio-migrate:" + where))
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64())), lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, errors.Join(fmt.Errorf("store: migrations: %w", err), db.Close())
	}
	if err := migrate(ctx, db, database.DialectPostgres, "postgres", goose.WithSessionLocker(locker)); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return &Store{eng: &postgresEngine{db: db}, w: db, r: db}, nil
}

// bindOwner takes a session advisory lock on owner's key on a connection
// kept out of the pool until release: the lock is PostgreSQL's to drop
// the moment that session ends, however the process died.
func (e *postgresEngine) bindOwner(ctx context.Context, owner string) (func() error, error) {
	conn, err := e.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	key := ownerKey(owner)
	var ok bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil || !ok {
		if err == nil {
			err = fmt.Errorf("owner %s is already bound", owner)
		}
		return nil, errors.Join(err, conn.Close())
	}
	return func() error {
		ctx := context.Background()
		_, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, key)
		if err != nil {
			// A session that could not unlock must not go back to the
			// pool still holding the lock.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		return errors.Join(err, conn.Close())
	}, nil
}

// ownerDead tries owner's key with a transaction-level lock: granted
// means no session holds it, so the owner is gone. The lock ends with the
// claim's transaction.
func (e *postgresEngine) ownerDead(ctx context.Context, tx *sql.Tx, owner string) (bool, error) {
	var free bool
	if err := tx.QueryRowContext(ctx, `SELECT pg_try_advisory_xact_lock($1)`, ownerKey(owner)).Scan(&free); err != nil {
		return false, err
	}
	return free, nil
}

// qApplyClaims is every guarded update of one claim in one statement: a
// row changes only if it is still as it was read, and RETURNING says
// which did.
const qApplyClaims = `UPDATE deliveries AS d SET
	state = CASE WHEN u.skip THEN 'skipped' ELSE 'sending' END,
	owner = CASE WHEN u.skip THEN '' ELSE $2 END,
	reply = CASE WHEN u.skip THEN u.why ELSE d.reply END,
	message_id = CASE WHEN u.skip THEN d.message_id ELSE u.mid END,
	attempts = CASE WHEN u.skip THEN d.attempts ELSE u.attempts END,
	first_try = CASE WHEN u.skip THEN d.first_try ELSE u.first END,
	next_attempt = CASE WHEN u.skip THEN d.next_attempt ELSE $3 END,
	updated_at = $4
	FROM unnest($5::bigint[], $6::boolean[], $7::text[], $8::text[], $9::bigint[], $10::bigint[], $11::text[], $12::text[], $13::bigint[])
		AS u(member_id, skip, why, mid, attempts, first, old_state, old_owner, old_next)
	WHERE d.issue_id = $1 AND d.member_id = u.member_id
		AND d.state = u.old_state AND d.owner = u.old_owner AND d.next_attempt = u.old_next
	RETURNING d.member_id`

func (e *postgresEngine) applyClaims(ctx context.Context, tx *sql.Tx, issueID, owner string, now, leaseUntil time.Time, ps []plan) ([]int, error) {
	n := len(ps)
	ids, first, attempts, next := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	skip := make([]bool, n)
	why, mid, state, own := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, p := range ps {
		ids[i], skip[i], why[i], mid[i] = p.c.MemberID, p.skip, p.why, p.c.MessageID
		attempts[i], first[i] = int64(p.c.Attempts), ms(p.c.FirstTry)
		state[i], own[i], next[i] = p.d.state, p.d.owner, p.d.next
	}
	rows, err := tx.QueryContext(ctx, qApplyClaims, issueID, owner, ms(leaseUntil), ms(now),
		ids, skip, why, mid, attempts, first, state, own, next)
	if err != nil {
		return nil, fmt.Errorf("store: claim: %w", err)
	}
	defer rows.Close()
	done := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: claim: %w", err)
		}
		done[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: claim: %w", err)
	}
	out := make([]int, n)
	for i, p := range ps {
		switch {
		case !done[p.c.MemberID]:
			out[i] = untouched
		case p.skip:
			out[i] = skipped
		default:
			out[i] = claimed
		}
	}
	return out, nil
}

// qWriteOutcomes is a batch's outcomes in one statement: each row owner
// still holds becomes its outcome (pending releases it, the attempt not
// counted), suppressed addresses are listed, and RETURNING names the rows
// written.
//
// Both outcome statements look their rows up by member. The state they
// must still be in (was: sending, for every row) is a column of the batch
// rather than a constant: statistics taken when a send's rows were all
// pending count no sending rows, and with "d.state = 'sending'" the
// planner scanned every sending row of the issue (and the dead index
// entries claims leave) through deliveries_due, for every commit. The
// member ids go in through a sub-select so that a plan for known values
// costs what the cached generic plan does: PostgreSQL then keeps the
// generic one instead of planning each commit anew.
const qWriteOutcomes = `WITH u AS (
		SELECT * FROM unnest((SELECT $4::bigint[]), $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::text[])
			AS u(member_id, state, reply, next, supp, supp_key, was)
	), up AS (
		UPDATE deliveries AS d SET
			state = u.state,
			reply = CASE WHEN u.state = 'pending' THEN d.reply ELSE u.reply END,
			next_attempt = CASE WHEN u.state = 'pending' THEN 0 ELSE u.next END,
			attempts = CASE WHEN u.state = 'pending' THEN GREATEST(d.attempts - 1, 0) ELSE d.attempts END,
			owner = '', updated_at = $3
		FROM u WHERE d.issue_id = $1 AND d.member_id = u.member_id AND d.state = u.was AND d.owner = $2
		RETURNING d.member_id, u.reply, u.supp, u.supp_key
	), sup AS (
		INSERT INTO suppressions (email_key, email, reason, created_at)
		SELECT DISTINCT ON (supp_key) supp_key, supp, reply, $3 FROM up WHERE supp_key <> ''
		ON CONFLICT (email_key) DO UPDATE SET reason = excluded.reason
	)
	SELECT count(*) FROM up`

// qWriteSent is qWriteOutcomes for the usual batch: every outcome final,
// none suppressing an address. One plain UPDATE, without the CTEs the
// rare cases need, costs the server half as much per commit.
const qWriteSent = `UPDATE deliveries AS d SET state = u.state, reply = u.reply, next_attempt = u.next, owner = '', updated_at = $3
	FROM unnest((SELECT $4::bigint[]), $5::text[], $6::text[], $7::bigint[], $8::text[]) AS u(member_id, state, reply, next, was)
	WHERE d.issue_id = $1 AND d.member_id = u.member_id AND d.state = u.was AND d.owner = $2`

func (e *postgresEngine) writeOutcomes(ctx context.Context, q querier, issueID, owner string, now time.Time, outs []delivery.Outcome) (int, error) {
	n := len(outs)
	ids, next := make([]int64, n), make([]int64, n)
	state, reply, supp, key, was := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	plain := true // qWriteSent will do: no row goes back to pending, none suppresses its address
	for i, o := range outs {
		ids[i], state[i], reply[i], next[i], was[i] = o.MemberID, string(o.State), o.Reply, ms(o.Next), string(delivery.StateSending)
		if o.Suppress != "" {
			supp[i], key[i] = o.Suppress, emailKey(o.Suppress)
		}
		plain = plain && o.State != delivery.StatePending && o.Suppress == ""
	}
	if plain {
		res, err := q.ExecContext(ctx, qWriteSent, issueID, owner, ms(now), ids, state, reply, next, was)
		if err != nil {
			return 0, fmt.Errorf("store: record %s: %w", issueID, err)
		}
		done, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("store: record %s: %w", issueID, err)
		}
		return int(done), nil
	}
	rows, err := q.QueryContext(ctx, qWriteOutcomes, issueID, owner, ms(now), ids, state, reply, next, supp, key, was)
	if err != nil {
		return 0, fmt.Errorf("store: record %s: %w", issueID, err)
	}
	defer rows.Close()
	var done int
	if rows.Next() {
		if err := rows.Scan(&done); err != nil {
			return 0, fmt.Errorf("store: record %s: %w", issueID, err)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: record %s: %w", issueID, err)
	}
	return done, nil
}
