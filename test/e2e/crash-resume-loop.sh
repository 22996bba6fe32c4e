#!/usr/bin/env sh
# Runs the kill -9 / resume tests N times (default 20) without npm and prints pass/fail counts.
# Usage: test/e2e/crash-resume-loop.sh [N] [spec ...]   (it builds once, then runs the specs N times)
# Each run is a fresh vitest process with its own embedded Postgres (or DATABASE_URL's server).
# Logs of failed runs are kept in $TMPDIR/crash-resume-loop.<pid>/run-<i>.log.
set -u
cd "$(dirname "$0")/../.." || exit 2
runs="${1:-20}"
[ "$#" -gt 0 ] && shift
specs="${*:-test/e2e/crash-resume-*.e2e.spec.ts}"
case "$runs" in ''|*[!0-9]*) echo "usage: $0 [N] [spec ...]" >&2; exit 2 ;; esac
# Build once (tsc, then the CLI bundles), then run the file against that build each time.
node node_modules/typescript/bin/tsc -p tsconfig.build.json && node scripts/bundle-cli.mjs || { echo "build failed" >&2; exit 2; }
logs="${TMPDIR:-/tmp}/crash-resume-loop.$$"
mkdir -p "$logs"
passed=0
failed=0
started=$(date +%s)
i=1
while [ "$i" -le "$runs" ]; do
  # shellcheck disable=SC2086
  if node node_modules/vitest/vitest.mjs run -c vitest.prebuilt.config.ts $specs >"$logs/run-$i.log" 2>&1; then
    passed=$((passed + 1)); rm -f "$logs/run-$i.log"; verdict=pass
  else
    failed=$((failed + 1)); verdict="FAIL (log: $logs/run-$i.log)"
  fi
  echo "run $i/$runs: $verdict ($(($(date +%s) - started)) s so far)"
  i=$((i + 1))
done
rmdir "$logs" 2>/dev/null
echo "crash-resume loop: $passed passed, $failed failed of $runs runs in $(($(date +%s) - started)) s"
[ "$failed" -eq 0 ]
