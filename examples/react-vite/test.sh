#!/usr/bin/env bash
# Installs the packed tarball into this example (a copy, as `npm install` from the registry
# would give, never a workspace link), builds it with Vite (no plugin, no config), and drives
# the built app and the Vite dev server in headless Chromium against the receiver.
set -euo pipefail
cd "$(dirname "$0")"
[ -f ../../build/greptime-web-telemetry-0.1.0.tgz ] || { echo "run scripts/build-package.sh first" >&2; exit 1; }
rm -rf node_modules/greptime-web-telemetry node_modules/.vite
npm install --no-audit --no-fund --loglevel=error
./node_modules/.bin/vite build --logLevel warn
node --test --test-concurrency=1 e2e.test.mjs
