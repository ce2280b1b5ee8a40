#!/usr/bin/env bash
# bench/ab.sh — compare two builds of Folio on the same delivery, taking
# turns, so a busy moment of the machine hits both alike.
#
#   go build -o /tmp/folio-old ./cmd/folio   # e.g. on the commit before
#   go build -o /tmp/folio-new ./cmd/folio
#   bash bench/ab.sh /tmp/folio-old /tmp/folio-new
#
# Each run sends MEMBERS personal messages (as bench/delivery.sh does) to
# Postfix's smtp-sink on 127.0.0.1 at CONCURRENCY workers; RUNS runs of
# each build. Prints every run's msgs/s and the medians.
# Needs postfix (smtp-sink): apt-get install -y postfix
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: bash bench/ab.sh FOLIO_A FOLIO_B" >&2; exit 2; }
a="$(realpath "$1")" b="$(realpath "$2")"
MEMBERS="${MEMBERS:-20000}"
RUNS="${RUNS:-7}"
CONCURRENCY="${CONCURRENCY:-4}"
PORT="${PORT:-2527}"
command -v smtp-sink >/dev/null || { echo "bench/ab.sh: smtp-sink missing (apt-get install -y postfix)" >&2; exit 1; }
. bench/lib.sh
start_sink "$PORT"
delivery_issue "$MEMBERS" "$PORT"
cfg="$out/ref/folio.toml"
export FOLIO_SECRET="benchmark-secret-not-for-production"
"$a" build --week 2026-W10 --config "$cfg" >/dev/null 2>&1

# rate sends the issue with binary $1 on a fresh ledger and prints msgs/s.
rate() {
	rm -f "$out/ref/folio.db"*
	"$1" members import "$out/ref/members.csv" --config "$cfg" >/dev/null 2>&1
	local t0 t1
	t0=$(ms)
	FOLIO_DELIVERY_WORKERS=$CONCURRENCY "$1" send --week 2026-W10 --config "$cfg" >"$out/send.log" 2>&1
	t1=$(ms)
	grep -q "$MEMBERS sent," "$out/send.log" || { echo "bench/ab.sh: $1 did not send all $MEMBERS:" >&2; tail -3 "$out/send.log" >&2; exit 1; }
	echo $((MEMBERS * 1000 / (t1 - t0)))
}
ra=() rb=()
for _ in $(seq "$RUNS"); do
	ra+=("$(rate "$a")")
	rb+=("$(rate "$b")")
done
echo "concurrency $CONCURRENCY, $MEMBERS messages, $RUNS runs each, taking turns"
echo "A $1: median $(printf '%s\n' "${ra[@]}" | median) msg/s (${ra[*]})"
echo "B $2: median $(printf '%s\n' "${rb[@]}" | median) msg/s (${rb[*]})"
