#!/usr/bin/env bash
# bench/feeds.sh — whole process: `folio build` of a week collected from a
# 200-item WordPress feed with 50 photos served on loopback (bench/feedsite),
# cold (empty cache) and cached, against curl fetching the same feed and
# photos (cold) and asking for the feed again with its ETag (cached), in the
# same run, taking turns RUNS times (default 5). Prints every run, the
# medians and the ratios. Folio's build also typesets the 199-review PDF and
# renders the email; BenchmarkCollectWeek (issue/feed) times the collection
# alone against the goals (2 s cold, 100 ms cached).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"
. bench/lib.sh

go build -o "$out/folio" ./cmd/folio
go build -o "$out/feedsite" ./bench/feedsite
"$out/feedsite" -big 200 -photos 50 >"$out/site.url" &
site_pid=$!
trap 'kill "$site_pid" 2>/dev/null; cleanup' EXIT
for _ in $(seq 50); do [ -s "$out/site.url" ] && break; sleep 0.1; done
url="$(cat "$out/site.url")"

cat >"$out/folio.toml" <<TOML
[magazine]
name = "The Lantern Review"
timezone = "America/New_York"
base_url = "https://lantern.example.org"
[content]
dir = ""
cache_dir = "cache"
[[content.source]]
type = "rss"
url = "$url/big/"
allow_private = true
[delivery]
from = "The Lantern Review <issues@lantern.example.org>"
TOML

# The photo URLs, as the feed names them, for curl.
curl -s "$url/big/" | grep -o "$url/wp-content/uploads/[^\"]*\.jpg" | sort -u >"$out/photos"
[ "$(wc -l <"$out/photos")" -eq 50 ] || { echo "feeds.sh: expected 50 photos in the feed" >&2; exit 1; }
curl_cold() {
	local args=(-s -o /dev/null "$url/big/")
	while read -r p; do args+=(-o /dev/null "$p"); done <"$out/photos"
	curl "${args[@]}"
}

build() { "$out/folio" build --week 2026-W10 --config "$out/folio.toml" --out "$out/issues" >/dev/null 2>&1; }

fc=() fw=() cc=() cw=()
for i in $(seq "$RUNS"); do
	rm -rf "$out/cache"
	t0=$(ms); build; t1=$(ms); fc+=($((t1 - t0)))
	t0=$(ms); build; t1=$(ms); fw+=($((t1 - t0)))
	rm -f "$out/etag"
	t0=$(ms); curl_cold; curl -s -o /dev/null --etag-save "$out/etag" "$url/big/"; t1=$(ms); cc+=($((t1 - t0)))
	t0=$(ms); curl -s -o /dev/null --etag-compare "$out/etag" "$url/big/"; t1=$(ms); cw+=($((t1 - t0)))
	echo "run $i: folio build cold ${fc[-1]} ms, cached ${fw[-1]} ms; curl cold ${cc[-1]} ms, conditional ${cw[-1]} ms"
done
m() { printf '%s\n' "$@" | median; }
FC=$(m "${fc[@]}") FW=$(m "${fw[@]}") CC=$(m "${cc[@]}") CW=$(m "${cw[@]}")
echo "medians: folio build cold $FC ms, cached $FW ms; curl cold $CC ms (feed + 50 photos, no rate limit), conditional $CW ms"
awk -v fc="$FC" -v fw="$FW" -v cc="$CC" -v cw="$CW" 'BEGIN {
	printf "ratios: folio cold / curl cold %.1f×, folio cached / curl conditional %.1f×; the cache saves folio %d ms a build\n", fc / cc, fw / cw, fc - fw
}'
