#!/usr/bin/env bash
# Runs every check: types, the import rules between folders, then all tests (unit, store
# contracts on SQLite and on a real Redis, integration with real servers and clients, media with
# real mediasoup workers, and browser tests in Chromium). Expects scripts/setup.sh to have run.
set -uo pipefail
cd "$(dirname "$0")/.."

MEDIASOUP_WORKER_BIN=$(bash scripts/build-mediasoup-worker.sh) || exit 1
export MEDIASOUP_WORKER_BIN

echo "› type checks"
npx tsc --noEmit || exit 1
npx svelte-check --tsconfig ./tsconfig.json --threshold error --output machine | tail -1
[ "${PIPESTATUS[0]}" -eq 0 ] || exit 1

echo "› layers"
# The import rules of docs/architecture.md: a wrong arrow between folders fails the run.
npx depcruise --config .dependency-cruiser.cjs shared server client/src media || exit 1

echo "› tests"
mkdir -p test-results
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
status=$?
# One plain closing line that any CI reads: "N passed, N failed, N skipped".
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-results/vitest.json", "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || echo "0 passed, 1 failed"
exit $status
