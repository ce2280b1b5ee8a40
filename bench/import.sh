#!/usr/bin/env bash
# bench/import.sh — issue 13's import numbers: `folio members import` of
# MEMBERS (default 1,000,000) members on each store, in at most 10 s and
# at most 100 MB peak RSS, timed as whole processes with GNU time.
#
# Each figure comes with a reference tool's on the same file, in the same
# run, as a ratio: sqlite3's `.import` and psql's `\copy` into a table of
# the same columns with a unique address index. Folio does more (every
# row validated, repeats found, members who left kept out, a history row
# per member), so the ratio says what that costs. Two cases per store:
#   new    — into an empty store (the first import);
#   again  — the same file again (the nightly re-import: every row looked
#            up, none changed).
# The PostgreSQL cluster is a throwaway one (scripts/pg.sh) with its
# default durability. Engines take turns, RUNS times each; medians are
# printed with every run.
# Needs GNU time, sqlite3 and postgresql:
#   apt-get install -y time sqlite3 postgresql
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS="${MEMBERS:-1000000}"
RUNS="${RUNS:-3}"
for tool in /usr/bin/time sqlite3 psql; do
	command -v "$tool" >/dev/null || { echo "bench/import.sh: $tool missing (apt-get install -y time sqlite3 postgresql)" >&2; exit 1; }
done
. bench/lib.sh
pgdir=$(mktemp -d) # its own folder: the cluster's user must reach it
trap 'bash scripts/pg.sh stop "$pgdir"; cleanup' EXIT
eval "$(bash scripts/pg.sh start "$pgdir")"
pgurl=$FOLIO_TEST_POSTGRES_URL
go build -o "$out/folio" ./cmd/folio

csv="$out/members.csv"
awk -v n="$MEMBERS" 'BEGIN {
	print "email,name,tier,status"
	split("print digital student", tier, " ")
	for (i = 0; i < n; i++)
		printf "member%07d@example%d.org,Member Number %d,%s,%s\n", i, i % 97, i, tier[i % 3 + 1], (i % 20 == 0 ? "paused" : "active")
}' >"$csv"
cat >"$out/sqlite.toml" <<EOF
[magazine]
name = "Bench"
base_url = "https://bench.example.org"
[delivery]
from = "Bench <issues@bench.example.org>"
[store]
path = "$out/folio.db"
EOF
sed "s|^path = .*|url = \"$pgurl\"|" "$out/sqlite.toml" >"$out/pg.toml"
ref_table="CREATE TABLE ref (email TEXT NOT NULL, name TEXT NOT NULL, tier TEXT NOT NULL, status TEXT NOT NULL);
CREATE UNIQUE INDEX ref_email ON ref (email);"

# timed LABEL CMD... runs CMD under GNU time; appends "LABEL SECONDS KB
# CPU-SECONDS" (the process's user + system time: on a busy machine it
# moves less than the wall clock; PostgreSQL's own work is not in it).
timed() {
	local label=$1
	shift
	/usr/bin/time -f "%e %M %U %S" -o "$out/time" "$@" >"$out/cmd.out" 2>"$out/cmd.err" || {
		echo "bench/import.sh: $label failed:" >&2
		cat "$out/cmd.out" "$out/cmd.err" >&2
		exit 1
	}
	awk -v l="$label" '{ print l, $1, $2, $3 + $4 }' "$out/time" >>"$out/results"
	awk -v l="$label" '{ printf "  %-16s %7.2f s %7.1f MB %7.2f s CPU\n", l, $1, $2 * 1024 / 1e6, $3 + $4 }' "$out/time"
}

pgreset() { PGOPTIONS='-c client_min_messages=warning' psql -q "$pgurl" -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null; }

: >"$out/results"
for run in $(seq "$RUNS"); do
	echo "run $run of $RUNS ($MEMBERS members)"
	rm -f "$out"/folio.db* "$out/ref.db"
	timed sqlite-new "$out/folio" members import "$csv" --config "$out/sqlite.toml"
	timed sqlite-again "$out/folio" members import "$csv" --config "$out/sqlite.toml"
	timed sqlite3-import sqlite3 "$out/ref.db" "$ref_table" ".import --csv --skip 1 $csv ref"
	pgreset
	timed pg-new "$out/folio" members import "$csv" --config "$out/pg.toml"
	timed pg-again "$out/folio" members import "$csv" --config "$out/pg.toml"
	pgreset
	psql -q "$pgurl" -c "$ref_table" >/dev/null
	timed psql-copy psql -q "$pgurl" -c "\\copy ref FROM '$csv' CSV HEADER"
done

med() { awk -v l="$1" -v f="$2" '$1 == l { print $f }' "$out/results" | median; }
echo
echo "medians of $RUNS runs, $MEMBERS members (goal: at most 10 s and 100 MB each); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
fail=0
for pair in sqlite-new:sqlite3-import sqlite-again:sqlite3-import pg-new:psql-copy pg-again:psql-copy; do
	label=${pair%%:*} ref=${pair#*:}
	s=$(med "$label" 2) kb=$(med "$label" 3) r=$(med "$ref" 2) cpu=$(med "$label" 4)
	verdict=ok
	if awk -v s="$s" -v kb="$kb" 'BEGIN { exit !(s > 10 || kb * 1024 > 100e6) }'; then
		verdict=MISSED
		fail=1
	fi
	printf '  %-13s %7.2f s %6.1f MB (%.2f s CPU)   %-15s %7.2f s   ratio %5.2f×   %s\n' "$label" "$s" "$(awk -v k="$kb" 'BEGIN { print k * 1024 / 1e6 }')" \
		"$cpu" "$ref" "$r" "$(awk -v a="$s" -v b="$r" 'BEGIN { print a / b }')" "$verdict"
done
exit $fail
