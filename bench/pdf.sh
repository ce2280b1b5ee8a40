#!/usr/bin/env bash
# bench/pdf.sh — whole-process PDF build: Folio against headless Chromium
# printing the same issue's web version to PDF, in the same run.
#
# Builds a reference issue (12 reviews, 12 photos 1600×1067 JPEG, about 40
# pages), then times `folio build` and `chromium --print-to-pdf` of the
# issue's index.html (images served from the same folder), taking turns
# RUNS times each, and prints the medians and their ratio. Needs chromium (apt-get install
# chromium) and poppler-utils (pdfinfo).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-9}"
WORDS="${WORDS:-1800}"
. bench/lib.sh

go build -o "$out/folio" ./cmd/folio
go run ./bench/refissue -dir "$out/ref" -words "$WORDS" >/dev/null
cfg="$out/ref/folio.toml"
"$out/folio" build --week 2026-W10 --config "$cfg" >/dev/null 2>&1
issue="$out/ref/issues/2026-W10"
# The web version links its photos under base_url; point them at the folder.
sed -i 's#https://weekly.example.org/issues/2026-W10/##g' "$issue/index.html"


# The two take turns, so a busy moment of the machine hits both alike.
folio_times=() chrome_times=()
for _ in $(seq "$RUNS"); do
	t0=$(ms); "$out/folio" build --week 2026-W10 --config "$cfg" >/dev/null 2>&1; t1=$(ms)
	folio_times+=($((t1 - t0)))
	profile="$(mktemp -d)"
	t0=$(ms)
	chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --user-data-dir="$profile" \
		--no-pdf-header-footer --print-to-pdf="$out/chromium.pdf" "file://$issue/index.html" >/dev/null 2>&1
	t1=$(ms)
	rm -rf "$profile"
	chrome_times+=($((t1 - t0)))
done

f=$(printf '%s\n' "${folio_times[@]}" | median)
c=$(printf '%s\n' "${chrome_times[@]}" | median)
fp=$(pdfinfo "$issue/issue.pdf" | awk '/^Pages/ { print $2 }')
cp=$(pdfinfo "$out/chromium.pdf" | awk '/^Pages/ { print $2 }')
fs=$(du -k "$issue/issue.pdf" | cut -f1)
cs=$(du -k "$out/chromium.pdf" | cut -f1)
echo "reference issue: 12 reviews, 12 photos 1600x1067 JPEG; median of $RUNS runs on $(nproc) cores"
echo "folio runs (ms): ${folio_times[*]}"
echo "chromium runs (ms): ${chrome_times[*]}"
printf '%-28s %6s ms  %3s pages  %6s KB\n' "folio build (whole process)" "$f" "$fp" "$fs"
printf '%-28s %6s ms  %3s pages  %6s KB\n' "chromium --print-to-pdf" "$c" "$cp" "$cs"
awk -v f="$f" -v c="$c" 'BEGIN { printf "ratio: folio is %.1fx faster than chromium (goal: at least 20x)\n", c / (f > 0 ? f : 1) }'
