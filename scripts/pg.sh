#!/usr/bin/env bash
# scripts/pg.sh — a throwaway PostgreSQL cluster in a folder, for the tests
# and the benchmarks (initdb/pg_ctl from Debian's postgresql; no Docker).
#
#   eval "$(bash scripts/pg.sh start DIR)"  # prints export FOLIO_TEST_POSTGRES_URL=…
#   bash scripts/pg.sh stop DIR             # stops the cluster, removes DIR
#
# initdb refuses to run as root, so as root the cluster belongs to the
# unprivileged user postgres (created when missing). PG_OPTS adds server
# settings; the tests pass fsync=off (a killed process is what they crash,
# never the machine), the benchmarks pass nothing and get the defaults.
set -euo pipefail
cmd=${1:?usage: pg.sh start|stop DIR} dir=${2:?usage: pg.sh start|stop DIR}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
	echo "pg.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
	exit 1
fi
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case $cmd in
start)
	mkdir -p "$dir"
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" --shell /bin/sh postgres
		chown postgres "$dir"
	fi
	as_owner "$bindir/initdb" -D "$dir/data" -A trust -U folio -E UTF8 --no-sync >"$dir/initdb.log"
	for _ in 1 2 3 4 5 6 7 8; do
		port=$((20000 + RANDOM % 20000))
		if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
			-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 ${PG_OPTS:-}" start >/dev/null; then
			as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U folio folio
			echo "export FOLIO_TEST_POSTGRES_URL='postgres://folio@127.0.0.1:$port/folio?sslmode=disable'"
			exit 0
		fi
	done
	echo "pg.sh: the cluster in $dir did not start; its log:" >&2
	cat "$dir/server.log" >&2
	exit 1
	;;
stop)
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null || true
	fi
	rm -rf "$dir"
	;;
*)
	echo "usage: pg.sh start|stop DIR" >&2
	exit 2
	;;
esac
