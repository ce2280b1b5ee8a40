#!/usr/bin/env bash
# scripts/sample.sh — the main job on the bundled sample magazine, with the
# embedded defaults (SQLite in examples/folio.db, messages in examples/outbox/):
# import the sample members, then build and send issue 2026-W10.
set -euo pipefail
cd "$(dirname "$0")/.."
week="${1:-2026-W10}"
go build -o bin/folio ./cmd/folio
bin/folio members import examples/members.csv --config examples/folio.toml
bin/folio run --week "$week" --config examples/folio.toml
echo
echo "issue:  examples/issues/$week/ (issue.pdf, index.html, email.html, email.txt)"
echo "outbox: examples/outbox/ ($(ls examples/outbox | wc -l) messages)"
