#!/usr/bin/env bash
# Installs the packed tarball into this Next.js App Router example (one `npm install`, shared by
# every build), then builds it with Turbopack and with webpack, runs `next start` and `next dev`,
# and drives each in headless Chromium against the receiver (e2e.test.mjs).
set -euo pipefail
cd "$(dirname "$0")"
[ -f ../../build/greptime-web-telemetry-0.1.0.tgz ] || { echo "run scripts/build-package.sh first" >&2; exit 1; }
export NEXT_TELEMETRY_DISABLED=1
rm -rf node_modules/greptime-web-telemetry .next
npm install --no-audit --no-fund --loglevel=error
node --test --test-concurrency=1 e2e.test.mjs
