#!/usr/bin/env bash
# bench/signing.sh — what VERP and double DKIM signing cost a send: build
# OLD (a folio from before, signing with one RSA key as it could) against
# NEW (this tree's, each member's VERP envelope sender, signing with an
# RSA-2048 and an Ed25519 key), and each against itself unsigned, with
# bench/ab.sh (taking turns, medians).
#
#   git worktree add /tmp/old <commit> && (cd /tmp/old && go build -o /tmp/folio-old ./cmd/folio)
#   go build -o /tmp/folio-new ./cmd/folio
#   bash bench/signing.sh /tmp/folio-old /tmp/folio-new
#
# OMIT_OLD (default '^address = ') drops config lines OLD does not know.
# Needs postfix (smtp-sink) and openssl.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: bash bench/signing.sh FOLIO_OLD FOLIO_NEW" >&2; exit 2; }
old="$(realpath "$1")" new="$(realpath "$2")"
keys="$(mktemp -d)"
trap 'rm -rf "$keys"' EXIT
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$keys/rsa.pem" 2>/dev/null
openssl genpkey -algorithm ed25519 -out "$keys/ed.pem" 2>/dev/null
printf '[dkim]\nselector = "rsa"\nkey_file = "%s"\n' "$keys/rsa.pem" >"$keys/one.toml"
printf '[[dkim.keys]]\nselector = "rsa"\nkey_file = "%s"\n[[dkim.keys]]\nselector = "ed"\nkey_file = "%s"\n' \
	"$keys/rsa.pem" "$keys/ed.pem" >"$keys/two.toml"
export A_OMIT="${OMIT_OLD-^address = }"
echo "== unsigned: OLD against NEW (NEW with VERP)"
bash bench/ab.sh "$old" "$new"
echo "== OLD signing with one RSA key against NEW with VERP and RSA + Ed25519"
A_TOML="$keys/one.toml" B_TOML="$keys/two.toml" bash bench/ab.sh "$old" "$new"
echo "== NEW unsigned against NEW with RSA + Ed25519 (what the signatures cost)"
A_OMIT= B_TOML="$keys/two.toml" bash bench/ab.sh "$new" "$new"
