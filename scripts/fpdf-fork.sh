#!/usr/bin/env bash
# scripts/fpdf-fork.sh — third_party/fpdf is upstream go-pdf/fpdf plus the
# patch series in third_party/patches/fpdf (listed in order in its
# `series` file, each patch saying what it changes and why).
#
#   bash scripts/fpdf-fork.sh check       rebuild the fork from the pristine
#                                         upstream release and the series, fail
#                                         on any difference from third_party/fpdf;
#                                         then run upstream's own tests on
#                                         upstream's tree with the series applied
#   bash scripts/fpdf-fork.sh apply DIR   write pristine upstream + the series
#                                         into DIR, as third_party/fpdf holds it
#
# Moving to a new upstream release: change the version in go.mod's require
# line, run `apply` into a scratch folder, fix the patches that no longer
# apply (regenerate each with `diff -ruN`), copy the result over
# third_party/fpdf and run `check`.
#
# The release comes from the Go module proxy (`go mod download`); the vendored
# fork keeps upstream's library files (the package's .go files, LICENSE,
# font_embed/) and a go.mod without upstream's requirements, which only its
# contrib packages and tests use.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
series=$root/third_party/patches/fpdf
fork=$root/third_party/fpdf

command -v patch >/dev/null || { echo "fpdf-fork: patch is missing (apt-get install patch)" >&2; exit 1; }
version=$(awk '$1 == "codeberg.org/go-pdf/fpdf" { print $2 }' go.mod | head -1)
[ -n "$version" ] || { echo "fpdf-fork: no codeberg.org/go-pdf/fpdf requirement in go.mod" >&2; exit 1; }
upstream=$(GOFLAGS=-mod=mod go mod download -json "codeberg.org/go-pdf/fpdf@$version" |
	sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
[ -d "$upstream" ] || { echo "fpdf-fork: could not download codeberg.org/go-pdf/fpdf@$version" >&2; exit 1; }

# applySeries DIR: apply every patch of the series to DIR, in order.
applySeries() {
	while read -r p; do
		[ -n "$p" ] || continue
		patch -s -p1 -d "$1" --no-backup-if-mismatch <"$series/$p" ||
			{ echo "fpdf-fork: $p does not apply to go-pdf/fpdf $version" >&2; return 1; }
	done <"$series/series"
}

# vendorInto DIR: upstream's library files, the series applied.
vendorInto() {
	mkdir -p "$1"
	for f in "$upstream"/*.go "$upstream/LICENSE"; do
		case "$f" in *_test.go) continue ;; esac
		cp "$f" "$1/"
	done
	cp -r "$upstream/font_embed" "$1/"
	chmod -R u+w "$1"
	sed -n '1,/^go /p' "$upstream/go.mod" >"$1/go.mod"
	applySeries "$1"
}

case "${1:-check}" in
apply)
	[ $# -eq 2 ] || { echo "usage: $0 apply DIR" >&2; exit 2; }
	vendorInto "$2"
	echo "go-pdf/fpdf $version with $(grep -c . "$series/series") patches in $2"
	;;
check)
	tmp=$(mktemp -d)
	trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
	vendorInto "$tmp/vendored"
	if ! diff -r "$tmp/vendored" "$fork" >"$tmp/diff"; then
		echo "fpdf-fork: third_party/fpdf differs from go-pdf/fpdf $version + third_party/patches/fpdf:" >&2
		head -50 "$tmp/diff" >&2
		exit 1
	fi
	echo "fpdf-fork: third_party/fpdf is go-pdf/fpdf $version + $(grep -c . "$series/series") patches"
	# Upstream's tests, on upstream's whole tree (fixtures, reference PDFs,
	# examples) with the series applied. Its example helper finds the
	# fixtures from a folder named fpdf. ExampleFpdf_RegisterImageReader
	# fetches a PNG from codeberg.org, which CI cannot reach; everything
	# else runs, and the reference PDFs are compared byte for byte.
	cp -r "$upstream" "$tmp/fpdf"
	chmod -R u+w "$tmp/fpdf"
	applySeries "$tmp/fpdf"
	(cd "$tmp/fpdf" && GOFLAGS=-mod=mod go test -count=1 -skip '^ExampleFpdf_RegisterImageReader$' .)
	;;
*)
	echo "usage: $0 [check | apply DIR]" >&2
	exit 2
	;;
esac
