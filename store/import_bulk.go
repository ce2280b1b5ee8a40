package store

import (
	"fmt"
	"strings"
)

// deferIndexes drops the secondary indexes of each table an import fills
// (members, member_history) that is empty, for an import into a new store; the func it returns builds them
// again, before the import commits. An index built once over a million
// rows is a sort; kept up row by row it is a million random inserts,
// most of the first import's time on either engine. Unique indexes stay:
// they enforce the addresses' uniqueness as rows arrive. Everything is
// inside the import's transaction, so a failed import leaves the indexes
// as they were. On PostgreSQL the drop locks the empty table until the
// commit; readers of an empty member list wait for the import.
func (im *importer) deferIndexes() (rebuild func() error, err error) {
	var defs []string
	for _, table := range []string{"members", "member_history"} {
		var empty bool
		if err := im.tx.QueryRowContext(im.ctx, `SELECT NOT EXISTS (SELECT 1 FROM `+table+`)`).Scan(&empty); err != nil {
			return nil, fmt.Errorf("store: import: %w", err)
		}
		if !empty {
			continue
		}
		names, sqls, err := im.secondaryIndexes(table)
		if err != nil {
			return nil, fmt.Errorf("store: import: indexes of %s: %w", table, err)
		}
		for i, name := range names {
			if _, err := im.tx.ExecContext(im.ctx, `DROP INDEX `+quoteIdent(name)); err != nil {
				return nil, fmt.Errorf("store: import: drop index %s: %w", name, err)
			}
			defs = append(defs, sqls[i])
		}
	}
	return func() error {
		if len(defs)+len(im.readd) > 0 && im.pg {
			// The sorts of a million keys in memory, for this
			// transaction only.
			if _, err := im.tx.ExecContext(im.ctx, `SET LOCAL maintenance_work_mem = '128MB'`); err != nil {
				return fmt.Errorf("store: import: %w", err)
			}
		}
		for _, def := range append(defs, im.readd...) {
			if _, err := im.tx.ExecContext(im.ctx, def); err != nil {
				return fmt.Errorf("store: import: rebuild index: %w", err)
			}
		}
		return nil
	}, nil
}

// secondaryIndexes lists table's indexes that neither are its primary key
// nor enforce uniqueness, with the statements that create them.
func (im *importer) secondaryIndexes(table string) (names, defs []string, err error) {
	q := `SELECT name, sql FROM sqlite_master
		WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL AND upper(sql) NOT LIKE 'CREATE UNIQUE%'
		ORDER BY name`
	if im.pg {
		q = `SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
			WHERE i.indrelid = to_regclass($1) AND NOT i.indisprimary AND NOT i.indisunique
			ORDER BY c.relname`
	}
	rows, err := im.tx.QueryContext(im.ctx, q, table)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, nil, err
		}
		names, defs = append(names, name), append(defs, def)
	}
	return names, defs, rows.Err()
}

// quoteIdent quotes an SQL identifier, as both engines read it.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
