#!/usr/bin/env bash
# Installs everything Roundtable needs on a fresh Debian machine, then builds it:
# system packages (Redis, Chromium, FFmpeg for recording, the mediasoup worker's libraries) when missing, npm
# packages, the mediasoup worker (cached per machine), and the client.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/system-packages.sh
# Beside what video needs: Redis, Chromium, FFmpeg (recording and its tests), a font for
# screenshots, and xmllint (the Atom feeds' validation).
other_packages=(redis-server chromium ffmpeg fonts-dejavu-core libxml2-utils)
other_packages+=(nginx)  # the reverse proxy with TLS that tests/multinode/nginx-tls.browser.test.ts runs
other_packages+=(coturn) # the TURN relay tests/browser/turn-relay.browser.test.ts starts
read -r -a missing <<<"$(missing_packages "${worker_packages[@]}" "${other_packages[@]}")"
# Chromium or Redis may come from elsewhere than apt; what is on PATH is good enough.
if command -v chromium >/dev/null; then missing=("${missing[@]/chromium}"); fi
if command -v redis-server >/dev/null; then missing=("${missing[@]/redis-server}"); fi
read -r -a missing <<<"${missing[*]}"
if [ "${#missing[@]}" -gt 0 ]; then
  echo "› installing system packages: ${missing[*]}"
  install_packages "${missing[@]}"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "› installing npm packages"
  npm ci --no-audit --no-fund
fi

echo "› mediasoup worker"
bash scripts/build-mediasoup-worker.sh

echo "› building the client"
npx vite build --logLevel warn
