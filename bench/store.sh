#!/usr/bin/env bash
# bench/store.sh — the store's numbers (issue 13), each a ratio measured in
# one run, every instance sending with 4 workers to Postfix's smtp-sink:
#
#   1. one instance on PostgreSQL against one on SQLite (goal ≥ 0.8×);
#   2. three instances on one PostgreSQL against one (goal ≥ 1.0× on
#      loopback);
#   3. the same behind a relay 20 ms away (bench/delayproxy; goal ≥ 2.5×);
#   4. each send's peak RSS (goal ≤ 64 MB per instance), and with the case
#      million a send of MILLION (1,000,000) members on each store;
#   5. for reference, PostgreSQL with synchronous_commit=off against SQLite.
#
# The PostgreSQL cluster is a throwaway one (scripts/pg.sh) with its
# default durability, as SQLite keeps synchronous=FULL. Engines take turns,
# RUNS times each; medians are printed with every run. CASES picks which
# comparisons run (default: engines loopback far async; add million).
# Needs postfix (smtp-sink), GNU time and postgresql:
#   apt-get install -y postfix time postgresql
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS="${MEMBERS:-20000}"
FAR_MEMBERS="${FAR_MEMBERS:-6000}"
CASES="${CASES:-engines loopback far async}"
RUNS="${RUNS:-3}"
MILLION="${MILLION:-1000000}"
# MILLION_SPECS: the million case's sends, ENGINE:INSTANCES each.
MILLION_SPECS="${MILLION_SPECS:-sqlite:1 postgres:1}"
PORT="${PORT:-2526}"
for tool in smtp-sink /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "bench/store.sh: $tool missing (apt-get install -y postfix time)" >&2; exit 1; }
done
. bench/lib.sh
start_sink "$PORT"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgdir=$(mktemp -d) # its own folder: the cluster's user must reach it
trap 'bash scripts/pg.sh stop "$pgdir"; cleanup' EXIT
eval "$(bash scripts/pg.sh start "$pgdir")"
go build -o "$out/folio" ./cmd/folio
go build -o "$out/delayproxy" ./bench/delayproxy
"$out/delayproxy" -to 127.0.0.1:"$PORT" -rtt 20ms >"$out/proxy.addr" &
proxy_pid=$!
trap 'kill $proxy_pid 2>/dev/null; bash scripts/pg.sh stop "$pgdir"; cleanup' EXIT
sleep 0.3
far_port=$(cut -d: -f2 "$out/proxy.addr")

delivery_issue "$MEMBERS" "$PORT"
cfg="$out/ref/folio.toml"
head -n $((FAR_MEMBERS + 1)) "$out/ref/members.csv" >"$out/members-far.csv"
export FOLIO_SECRET="benchmark-secret-not-for-production"
"$out/folio" build --week 2026-W10 --config "$cfg" >/dev/null 2>&1

schema=0
# fresh ENGINE CSV: a new empty database with CSV's members and, on
# PostgreSQL (where built issues live in the database), the issue built
# into it; sets $url (empty for SQLite). postgres-async is PostgreSQL
# with synchronous_commit=off in its URL.
fresh() {
	rm -rf "$out/ref/folio.db"*
	url=""
	if [ "$1" != sqlite ]; then
		schema=$((schema + 1))
		"$pgbin/psql" -q "$FOLIO_TEST_POSTGRES_URL" -c "CREATE SCHEMA r$schema"
		url="$FOLIO_TEST_POSTGRES_URL&search_path=r$schema"
		[ "$1" = postgres-async ] && url="$url&synchronous_commit=off"
	fi
	FOLIO_STORE_URL="$url" "$out/folio" members import "$2" --config "$cfg" >/dev/null 2>&1
	if [ -n "$url" ]; then
		FOLIO_STORE_URL="$url" "$out/folio" build --week 2026-W10 --config "$cfg" >/dev/null 2>&1
	fi
}

# send N PORT: N instances send at once (relay on PORT); prints the
# wall-clock milliseconds and the largest peak RSS in KB, and checks
# that every member was sent.
send() {
	local n=$1 port=$2 pids=() t0 t1 rss=0
	t0=$(ms)
	for i in $(seq "$n"); do
		FOLIO_STORE_URL="$url" FOLIO_SMTP_PORT="$port" FOLIO_DELIVERY_WORKERS=4 /usr/bin/time -f '%M' -o "$out/rss.$i" \
			"$out/folio" send --week 2026-W10 --config "$cfg" >"$out/send.$i.log" 2>&1 &
		pids+=($!)
	done
	for i in $(seq "$n"); do
		wait "${pids[$((i - 1))]}" || { echo "instance $i failed:" >&2; tail -3 "$out/send.$i.log" >&2; exit 1; }
		r=$(cat "$out/rss.$i")
		rss=$((r > rss ? r : rss))
	done
	t1=$(ms)
	grep -q "remaining" "$out/send.1.log" && grep -q " 0 remaining" "$out/send.1.log" ||
		{ echo "the send left rows:" >&2; cat "$out/send.1.log" >&2; exit 1; }
	echo "$((t1 - t0)) $rss"
}

# compare NAME MEMBERS CSV PORT A B: A and B are "ENGINE:INSTANCES"; they
# take turns RUNS times; prints both medians (msg/s), the ratio B/A and
# the peak RSS.
compare() {
	local name=$1 members=$2 csv=$3 port=$4 a=$5 b=$6 ra=() rb=() rss=0
	for _ in $(seq "$RUNS"); do
		for side in a b; do
			local spec=${!side}
			fresh "${spec%:*}" "$csv"
			read -r t r < <(send "${spec#*:}" "$port")
			rss=$((r > rss ? r : rss))
			if [ $side = a ]; then ra+=($((members * 1000 / t))); else rb+=($((members * 1000 / t))); fi
		done
	done
	local ma mb
	ma=$(printf '%s\n' "${ra[@]}" | median)
	mb=$(printf '%s\n' "${rb[@]}" | median)
	awk -v n="$name" -v a="$a" -v b="$b" -v ma="$ma" -v mb="$mb" -v rss="$rss" -v ra="${ra[*]}" -v rb="${rb[*]}" 'BEGIN {
		printf "%-34s %-12s %8.0f/s  %-12s %8.0f/s  %5.2fx  peak RSS %5.1f MB  (%s: %s; %s: %s)\n",
			n, a, ma, b, mb, mb / ma, rss / 1024, a, ra, b, rb }'
}

echo "relay: smtp-sink on 127.0.0.1:$PORT (and through a 20 ms RTT proxy); 4 workers an instance; median of $RUNS runs; $(nproc) cores"
for c in $CASES; do
	case $c in
	engines) compare "PostgreSQL vs SQLite, one instance" "$MEMBERS" "$out/ref/members.csv" "$PORT" sqlite:1 postgres:1 ;;
	loopback) compare "three instances vs one, loopback" "$MEMBERS" "$out/ref/members.csv" "$PORT" postgres:1 postgres:3 ;;
	far) compare "three instances vs one, 20 ms RTT" "$FAR_MEMBERS" "$out/members-far.csv" "$far_port" postgres:1 postgres:3 ;;
	# The price of PostgreSQL's durable commit: the same send with
	# synchronous_commit=off (an operator's choice, in [store] url).
	async) compare "PostgreSQL async commit vs SQLite" "$MEMBERS" "$out/ref/members.csv" "$PORT" sqlite:1 postgres-async:1 ;;
	# One send of MILLION members on each store (MILLION_SPECS): its rate
	# and the largest peak RSS of its instances.
	million)
		awk -v n="$MILLION" 'BEGIN { print "email,name,tier,status,deliver_pdf"
			for (i = 1; i <= n; i++) printf "member%07d@example.org,Member %d,digital,active,link\n", i, i }' >"$out/members-million.csv"
		for spec in $MILLION_SPECS; do
			fresh "${spec%:*}" "$out/members-million.csv"
			read -r t r < <(send "${spec#*:}" "$PORT")
			awk -v e="$spec" -v n="$MILLION" -v t="$t" -v r="$r" 'BEGIN {
				printf "%-34s %-18s %8.0f/s  peak RSS %5.1f MB an instance  (%.0f s)\n", "send of " n " members", e, n * 1000 / t, r / 1024, t / 1000 }'
		done
		;;
	*) echo "bench/store.sh: unknown case $c" >&2; exit 2 ;;
	esac
done
