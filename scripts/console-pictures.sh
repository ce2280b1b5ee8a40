#!/usr/bin/env bash
# scripts/console-pictures.sh — the README's pictures of the editors'
# console, at desktop (1280 px) and phone (390 px) width: taken by the
# browser test TestConsoleInABrowser (headless Chromium over the DevTools
# protocol) while it uses the console on the sample magazine, from login to
# a finished send, then copied into docs/img/. Needs chromium and
# poppler-utils (the PDF page thumbnails).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
FOLIO_SCREENSHOTS="$tmp" go test -count=1 -run '^TestConsoleInABrowser$' ./cmd/folio/ >/dev/null
pictures=(console-dashboard-desktop console-preview-desktop console-sent-desktop
	console-sending-phone console-import-phone console-member-phone)
for p in "${pictures[@]}"; do
	cp "$tmp/$p.png" "docs/img/$p.png"
done
echo "docs/img: ${pictures[*]/%/.png}"
