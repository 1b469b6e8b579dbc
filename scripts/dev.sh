#!/usr/bin/env bash
# Development: the server reloads on change (tsx watch) and Vite serves the client with hot
# reload on http://localhost:5173, proxying /api and /socket.io to the server.
set -euo pipefail
cd "$(dirname "$0")/.."
export ROUNDTABLE_DEMO=1 ROUNDTABLE_PORT="${ROUNDTABLE_PORT:-3000}"
export ROUNDTABLE_ALLOWED_ORIGINS="http://localhost:5173,http://127.0.0.1:5173"
export ROUNDTABLE_PUBLIC_URL="${ROUNDTABLE_PUBLIC_URL:-http://localhost:5173}"
trap 'kill 0' EXIT INT TERM
npx tsx watch --clear-screen=false server/main.ts &
npx vite --port 5173 --strictPort &
wait
