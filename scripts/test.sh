#!/usr/bin/env bash
# scripts/test.sh — the one test command: installs the system tools the
# tests use when they are missing, then runs the whole suite with -race.
# Tests never skip for a missing tool; they fail, so install first.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v qpdf >/dev/null || need+=(qpdf)
command -v chromium >/dev/null || need+=(chromium)
fc-list 2>/dev/null | grep -qi liberation || need+=(fonts-liberation)
[ -f /usr/share/zoneinfo/America/New_York ] || need+=(tzdata)
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
	echo "installing: ${need[*]}"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

go version
go vet ./...
go test -race -count=1 -timeout 15m "$@" ./...
