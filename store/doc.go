// Package store keeps Folio's state in SQLite (modernc.org/sqlite, pure
// Go): members, the suppression list, the per-(issue, member) delivery
// ledger, built issues and the scheduler's weekly runs. Migrations are
// embedded SQL applied with goose on Open.
//
// The database runs in WAL mode with synchronous=FULL and one writer
// connection; every write is one IMMEDIATE transaction. Queries use $1
// placeholders and portable SQL so a PostgreSQL store can follow. The
// domain types live in packages member and delivery; Store implements
// delivery.Ledger.
package store
