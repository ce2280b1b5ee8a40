// Package store keeps Folio's state: members, the suppression list, the
// per-(issue, member) delivery ledger, built issues and the scheduler's
// weekly runs. One Store type implements the contracts of packages
// member, delivery and schedule over database/sql on two engines:
//
//   - SQLite (modernc.org/sqlite, pure Go), the embedded default: WAL,
//     synchronous=FULL, one writer connection, IMMEDIATE transactions.
//   - PostgreSQL (pgx v5 through its database/sql driver), for several
//     `folio serve` instances sharing one database.
//
// Queries are written once in portable SQL ($1 placeholders, BIGINT Unix
// milliseconds for times, ON CONFLICT, RETURNING). What differs between
// the engines is kept in small pieces of type engine (sqlite.go,
// postgres.go): opening, row locks on claims (FOR UPDATE SKIP LOCKED on
// PostgreSQL), and the goose migrations, one folder per dialect under
// migrations/. Package storetest runs every behaviour against both.
//
// Adding to the store: a method in a file of its own (store/<entity>.go)
// in portable SQL, writing through s.tx and reading through s.r; its
// migration twice, under the same number, in migrations/sqlite and
// migrations/postgres (BIGINT for ids and times, TEXT for strings); and
// a contract test wrapped in storetest.Each, so it runs on both engines.
package store
