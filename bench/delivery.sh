#!/usr/bin/env bash
# bench/delivery.sh — delivery throughput: Folio against Postfix's
# smtp-source, both pushing to Postfix's smtp-sink on 127.0.0.1, in the
# same run.
#
# For each concurrency (1, 4, 16) Folio sends MEMBERS personal messages
# (about 20 KB each, the PDF as a link) through its ledger and pool, and
# smtp-source sends the same number of messages of the same size over the
# same number of connections; the two take turns, RUNS times each, so a
# busy moment of the machine hits both alike. Prints the median msgs/s of
# both, their ratio, and Folio's peak RSS; then Folio's peak RSS for a
# BIG-member send.
# Needs postfix (smtp-sink, smtp-source) and GNU time:
#   apt-get install -y postfix time
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS="${MEMBERS:-20000}"
RUNS="${RUNS:-3}"
BIG="${BIG:-100000}"
CONCURRENCY="${CONCURRENCY:-1 4 16}"
PORT="${PORT:-2525}"
for tool in smtp-sink smtp-source /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "bench/delivery.sh: $tool missing (apt-get install -y postfix time)" >&2; exit 1; }
done
. bench/lib.sh
start_sink "$PORT"

go build -o "$out/folio" ./cmd/folio
delivery_issue $((BIG > MEMBERS ? BIG : MEMBERS)) "$PORT"
head -n $((MEMBERS + 1)) "$out/ref/members.csv" >"$out/members-small.csv"
cfg="$out/ref/folio.toml"
export FOLIO_SECRET="benchmark-secret-not-for-production"
"$out/folio" build --week 2026-W10 --config "$cfg" >/dev/null 2>&1

# Message size: one member's message as Folio writes it.
"$out/folio" members import "$out/members-small.csv" --config "$cfg" >/dev/null 2>&1
FOLIO_SMTP_HOST= "$out/folio" send --week 2026-W10 --to size@example.org --config "$cfg" >/dev/null 2>&1 || true
size=$(find "$out/ref/outbox" -name '*.eml' -printf '%s\n' 2>/dev/null | head -1)
size="${size:-20000}"

echo "relay: smtp-sink on 127.0.0.1:$PORT; $MEMBERS messages of $((size / 1024)) KB; median of $RUNS runs each; $(nproc) cores"
printf '%-12s %14s %14s %8s %12s\n' concurrency "folio msg/s" "smtp-source/s" ratio "folio RSS"
for c in $CONCURRENCY; do
	folio_rates=() source_rates=() rss=0
	for _ in $(seq "$RUNS"); do
		rm -rf "$out/ref/folio.db"*
		"$out/folio" members import "$out/members-small.csv" --config "$cfg" >/dev/null 2>&1
		t0=$(ms)
		FOLIO_DELIVERY_WORKERS=$c /usr/bin/time -f '%M' -o "$out/rss" "$out/folio" send --week 2026-W10 --config "$cfg" >"$out/send.log" 2>&1
		t1=$(ms)
		sent=$(grep -o '[0-9]* sent,' "$out/send.log" | head -1 | cut -d' ' -f1)
		[ "$sent" = "$MEMBERS" ] || { echo "folio sent $sent of $MEMBERS" >&2; tail -3 "$out/send.log" >&2; exit 1; }
		rss=$(( $(cat "$out/rss") > rss ? $(cat "$out/rss") : rss ))
		folio_rates+=($((MEMBERS * 1000 / (t1 - t0))))
		t2=$(ms)
		smtp-source -s "$c" -m "$MEMBERS" -l "$size" -f issues@weekly.example.org -t member@example.org 127.0.0.1:"$PORT"
		t3=$(ms)
		source_rates+=($((MEMBERS * 1000 / (t3 - t2))))
	done
	f=$(printf '%s\n' "${folio_rates[@]}" | median)
	s=$(printf '%s\n' "${source_rates[@]}" | median)
	awk -v f="$f" -v s="$s" -v c="$c" -v rss="$rss" -v fr="${folio_rates[*]}" -v sr="${source_rates[*]}" 'BEGIN {
		printf "%-12s %14.0f %14.0f %7.2fx %9.1f MB   (folio: %s; smtp-source: %s)\n", c, f, s, f / s, rss / 1024, fr, sr }'
done

rm -rf "$out/ref/folio.db"*
"$out/folio" members import "$out/ref/members.csv" --config "$cfg" >/dev/null 2>&1
t0=$(ms)
FOLIO_DELIVERY_WORKERS=4 /usr/bin/time -f '%M' -o "$out/rss" "$out/folio" send --week 2026-W10 --config "$cfg" >"$out/send.log" 2>&1
t1=$(ms)
awk -v n="$BIG" -v f=$((t1 - t0)) -v rss="$(cat "$out/rss")" 'BEGIN {
	printf "%d members at concurrency 4: %.0f msg/s, peak RSS %.1f MB (goal: at most 64 MB)\n", n, n / (f / 1000), rss / 1024 }'
