#!/usr/bin/env bash
# scripts/pictures.sh — the README's pictures of the sample issue: the
# cover, the contents and a two-page spread (pages 4 and 5, facing as the
# PDF's two-page view shows them), rendered by pdftoppm at 60 dpi into
# docs/img/, and the email as the first sample member gets it, on a phone
# (headless Chromium, 480 px wide). Needs poppler-utils and chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/folio" ./cmd/folio
"$tmp/folio" build --week 2026-W10 --config examples/folio.toml --out "$tmp/issues" >/dev/null 2>&1
pdf="$tmp/issues/2026-W10/issue.pdf"
page() { pdftoppm -r 60 -png -f "$1" -l "$1" -singlefile "$pdf" "docs/img/$2"; }
page 1 cover
page 2 contents
page 4 spread-left
page 5 spread-right
# The email links its photos under base_url; point them at the built folder.
issue="$tmp/issues/2026-W10"
sed "s#https://weekly.example.org/issues/2026-W10/#file://$issue/#g" "$issue/email.html" >"$issue/email-local.html"
chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
	--user-data-dir="$tmp/profile" --window-size=480,1250 \
	--screenshot="$PWD/docs/img/email-phone.png" "file://$issue/email-local.html" >/dev/null 2>&1
echo "docs/img: cover.png contents.png spread-left.png spread-right.png email-phone.png (from $(pdfinfo "$pdf" | awk '/^Pages/ { print $2 }') pages)"
