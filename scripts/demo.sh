#!/usr/bin/env bash
# Starts Roundtable on the embedded store with a demo town hall and demo staff accounts,
# installing npm packages and building the client first when needed.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "› installing npm packages (first run only)"
  npm ci --no-audit --no-fund
fi
if [ ! -f dist/client/index.html ] || [ -n "$(find client shared vite.config.ts -newer dist/client/index.html -print -quit)" ]; then
  echo "› building the client"
  npx vite build --logLevel warn
fi
# Town hall video needs the mediasoup worker, built once per machine (about 5 minutes) and
# cached; the server finds it in the cache by itself. Without it the demo runs with video off.
if ! worker=$(bash scripts/build-mediasoup-worker.sh); then
  echo "› video is off: the mediasoup worker could not be built (run scripts/build-mediasoup-worker.sh to see why)"
elif [ -z "${MEDIASOUP_WORKER_BIN:-}" ]; then
  export MEDIASOUP_WORKER_BIN="$worker"
fi
export ROUNDTABLE_DEMO=1
# Keep the terminal to the address and logins; warnings and errors still show.
export ROUNDTABLE_LOG_LEVEL="${ROUNDTABLE_LOG_LEVEL:-warn}"
# The same V8 setting as npm start (docs/performance.md: a crowd's garbage is young).
exec node --max-semi-space-size=64 --import tsx server/main.ts
