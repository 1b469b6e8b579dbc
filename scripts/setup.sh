#!/usr/bin/env bash
# Installs everything Roundtable needs on a fresh Debian machine, then builds it:
# system packages (Redis, Chromium, FFmpeg for recording, the mediasoup worker's libraries) when missing, npm
# packages, the mediasoup worker (cached per machine), and the client.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_packages=(redis-server chromium ffmpeg fonts-dejavu-core pkg-config g++ make python3
  libssl-dev libuv1-dev libsrtp2-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev)
python3 -m venv --help >/dev/null 2>&1 || apt_packages+=(python3-venv)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
# Chromium or Redis may come from elsewhere than apt; what is on PATH is good enough.
if command -v chromium >/dev/null; then missing=("${missing[@]/chromium}"); fi
if command -v redis-server >/dev/null; then missing=("${missing[@]/redis-server}"); fi
read -r -a missing <<<"${missing[*]}"
if [ "${#missing[@]}" -gt 0 ]; then
  echo "› installing system packages: ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "› installing npm packages"
  npm ci --no-audit --no-fund
fi

echo "› mediasoup worker"
bash scripts/build-mediasoup-worker.sh

echo "› building the client"
npx vite build --logLevel warn
