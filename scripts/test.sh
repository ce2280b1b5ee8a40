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
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# The EPUB edition's independent checker (a Java program).
[ -f /usr/share/java/epubcheck.jar ] && command -v java >/dev/null || need+=(epubcheck default-jre-headless)
# DKIM verifiers: dkimpy (with PyNaCl for Ed25519) under Debian's python3,
# and OpenDKIM's opendkim-testmsg, run in a private namespace (unshare, ip)
# whose resolver is a stub DNS server.
/usr/bin/python3 -c 'import dkim, nacl' 2>/dev/null || need+=(python3 python3-dkim python3-nacl)
command -v opendkim-testmsg >/dev/null || need+=(opendkim-tools)
command -v ip >/dev/null || need+=(iproute2)
command -v unshare >/dev/null || need+=(util-linux)
# The bounce tests' real peer: a private Postfix instance and smtp-sink
# (internal/postfixtest); the package's own mail system stays unconfigured.
command -v smtp-sink >/dev/null || need+=(postfix)
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
	echo "installing: ${need[*]}"
	echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

go version
go vet ./...

# Lint gates the suite: staticcheck and golangci-lint (.golangci.yml), at
# pinned versions from the Go module proxy. Any finding fails.
GOBIN="$(go env GOPATH)/bin"
[ -x "$GOBIN/staticcheck" ] && "$GOBIN/staticcheck" -version | grep -q "(0.8.2)" ||
	go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
"$GOBIN/golangci-lint" version 2>/dev/null | grep -q "version 2.15.0 " ||
	go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
"$GOBIN/staticcheck" ./...
"$GOBIN/golangci-lint" run --max-issues-per-linter=0 --max-same-issues=0 ./...

# One throwaway PostgreSQL cluster for the whole run: the store's contract
# tests run on it and on SQLite (each test in a schema of its own).
if [ -z "${FOLIO_TEST_POSTGRES_URL:-}" ]; then
	pgdir=$(mktemp -d)
	trap 'bash scripts/pg.sh stop "$pgdir"' EXIT
	eval "$(PG_OPTS="-c fsync=off -c synchronous_commit=off" bash scripts/pg.sh start "$pgdir")"
	export FOLIO_TEST_POSTGRES_URL
fi
# examples/makephotos redraws the sample photos pixel by pixel: pure
# arithmetic the race detector makes four times slower and has nothing
# to check in, so it runs without -race.
go test -race -count=1 -timeout 15m "$@" $(go list ./... | grep -v /examples/makephotos$)
go test -count=1 "$@" ./examples/makephotos

# The crash test of issue 13 at full size, once and without -race: three
# instances on the PostgreSQL cluster, 5,000 members, each instance killed
# with SIGKILL five times (the run above did a smaller copy of it).
go test -count=1 -timeout 5m -run '^TestCrashThreeInstances$' ./cmd/folio -args -crash.full
