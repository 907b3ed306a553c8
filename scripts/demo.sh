#!/usr/bin/env bash
# The main job: builds the package, builds the React example from the packed tarball, starts a
# local GreptimeDB-compatible receiver (or uses a real GreptimeDB, see below), serves the app,
# starts the agent (examples/agent-backend, FastAPI) the app calls for its tool calls, and
# drives it once in headless Chromium and prints what arrives. Then it keeps serving so you can
# open the app yourself; Ctrl-C stops everything. `--once` exits after the first visit.
#
# Real GreptimeDB instead of the receiver:
#   GREPTIME_ENDPOINT=http://localhost:4000 [GREPTIME_DB=public] [GREPTIME_USERNAME=… GREPTIME_PASSWORD=…] bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-package.sh
export PATH="$PWD/node_modules/.bin:$PATH"
(
  cd examples/react-vite
  rm -rf node_modules/greptime-web-telemetry
  npm install --no-audit --no-fund --loglevel=error
  # Credentials reach the app at build time (Vite env); the endpoint also via ?endpoint=.
  VITE_GREPTIME_ENDPOINT="${GREPTIME_ENDPOINT:-}" VITE_GREPTIME_DB="${GREPTIME_DB:-}" \
  VITE_GREPTIME_USERNAME="${GREPTIME_USERNAME:-}" VITE_GREPTIME_PASSWORD="${GREPTIME_PASSWORD:-}" \
    ./node_modules/.bin/vite build --logLevel warn
)
exec node scripts/demo.mjs "$@"
