#!/usr/bin/env bash
# Starts Roundtable on the embedded store with a demo town hall and demo staff accounts,
# installing npm packages and building the client first when needed.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "› installing npm packages (first run only)"
  # npm's progress and the packages' build output go to a log, shown only when it fails.
  npm_log=$(mktemp -t roundtable-npm.XXXXXX.log)
  if ! npm ci --no-audit --no-fund >"$npm_log" 2>&1; then
    tail -20 "$npm_log" >&2
    echo "› installing npm packages failed (full log: $npm_log)" >&2
    exit 1
  fi
  rm -f "$npm_log"
fi
if [ ! -f dist/client/index.html ] || [ -n "$(find client shared vite.config.ts -newer dist/client/index.html -print -quit)" ]; then
  echo "› building the client"
  # Vite's own warnings (on a loaded machine, a page of plugin timings) go to a log, shown
  # only when the build fails.
  client_log=$(mktemp -t roundtable-client.XXXXXX.log)
  if ! npx vite build --logLevel warn >"$client_log" 2>&1; then
    tail -20 "$client_log" >&2
    echo "› building the client failed (full log: $client_log)" >&2
    exit 1
  fi
  rm -f "$client_log"
fi
# Town hall video needs the mediasoup worker, built once per machine (about 5 minutes on two
# cores) and cached; the server finds it in the cache by itself. Its build needs a few Debian
# libraries: installed here when that needs nobody's password, else named in one command.
source scripts/system-packages.sh
read -r -a missing <<<"$(missing_packages "${worker_packages[@]}")"
video=yes
if [ "${#missing[@]}" -gt 0 ]; then
  if can_install; then
    echo "› installing the libraries video needs (first run only): ${missing[*]}"
    install_packages "${missing[@]}" || video=no
  else
    echo "› video is off: its build needs libraries this user cannot install. Run once, then npm run demo again:"
    # Debian installed without a root password has sudo; with one, there may be no sudo at all.
    if command -v sudo >/dev/null; then
      echo "    sudo apt-get install -y --no-install-recommends ${missing[*]}"
    else
      echo "    su -c 'apt-get install -y --no-install-recommends ${missing[*]}'"
    fi
    video=no
  fi
fi
if [ "$video" = yes ]; then
  worker_log=$(mktemp -t roundtable-worker.XXXXXX.log)
  bin_cache=$(bash scripts/build-mediasoup-worker.sh --cached-only 2>/dev/null || true)
  [ -n "$bin_cache" ] || echo "› building the video worker (first run only, about 5 minutes)"
  if worker=$(bash scripts/build-mediasoup-worker.sh 2>"$worker_log"); then
    rm -f "$worker_log"
    [ -n "${MEDIASOUP_WORKER_BIN:-}" ] || export MEDIASOUP_WORKER_BIN="$worker"
  else
    echo "› video is off: the mediasoup worker could not be built (log: $worker_log)"
  fi
fi
export ROUNDTABLE_DEMO=1
# Keep the terminal to the address and logins; warnings and errors still show.
export ROUNDTABLE_LOG_LEVEL="${ROUNDTABLE_LOG_LEVEL:-warn}"
# The same V8 and allocator settings as npm start (docs/scaling.md, "A large town hall on one machine").
export MALLOC_ARENA_MAX=2 MALLOC_TRIM_THRESHOLD_=131072
exec node --max-semi-space-size=64 --single-threaded-gc --import tsx server/main.ts
