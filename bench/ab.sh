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
# each build. Prints every run's msgs/s and the medians. Each build has
# its own copy of the config and builds its own issue from it. A_TOML and
# B_TOML name files of config appended to a build's copy (DKIM keys, say;
# bench/signing.sh uses them); A_OMIT and B_OMIT drop the config lines
# matching a pattern (A_OMIT='^address = ' lets a build older than
# [magazine] address read it).
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
cfg_a="$out/ref/a.toml" cfg_b="$out/ref/b.toml"
# side BIN CONFIG OMIT TOML NAME writes a build's config and builds its issue.
side() {
	{ grep -v -E "${3:-a^}" "$cfg"; printf '[build]\nout_dir = "issues-%s"\n' "$5"; [ -z "$4" ] || cat "$4"; } >"$2"
	"$1" build --week 2026-W10 --config "$2" >"$out/build.log" 2>&1 || { echo "bench/ab.sh: $1 build:" >&2; tail -3 "$out/build.log" >&2; exit 1; }
}
side "$a" "$cfg_a" "${A_OMIT:-}" "${A_TOML:-}" a
side "$b" "$cfg_b" "${B_OMIT:-}" "${B_TOML:-}" b

# rate sends the issue with binary $1 and config $2 on a fresh ledger and
# prints msgs/s.
rate() {
	rm -rf "$out/ref/folio.db"*
	"$1" members import "$out/ref/members.csv" --config "$2" >/dev/null 2>&1
	local t0 t1
	t0=$(ms)
	FOLIO_DELIVERY_WORKERS=$CONCURRENCY "$1" send --week 2026-W10 --config "$2" >"$out/send.log" 2>&1
	t1=$(ms)
	grep -q "$MEMBERS sent," "$out/send.log" || { echo "bench/ab.sh: $1 did not send all $MEMBERS:" >&2; tail -3 "$out/send.log" >&2; exit 1; }
	echo $((MEMBERS * 1000 / (t1 - t0)))
}
ra=() rb=()
for _ in $(seq "$RUNS"); do
	ra+=("$(rate "$a" "$cfg_a")")
	rb+=("$(rate "$b" "$cfg_b")")
done
echo "concurrency $CONCURRENCY, $MEMBERS messages, $RUNS runs each, taking turns"
echo "A $1: median $(printf '%s\n' "${ra[@]}" | median) msg/s (${ra[*]})"
echo "B $2: median $(printf '%s\n' "${rb[@]}" | median) msg/s (${rb[*]})"
