#!/usr/bin/env bash
# The packaging matrix (README.md here): one install of every bundler and of the packed tarball,
# shared by all the apps; then each app is built and checked in headless Chromium
# (matrix.test.mjs, two at a time), and the README's "Frameworks and bundlers" table is checked
# against what this run and the Next.js example (run before it) measured.
set -euo pipefail
cd "$(dirname "$0")"
[ -f ../../build/greptime-web-telemetry-0.1.0.tgz ] || { echo "run scripts/build-package.sh first" >&2; exit 1; }
rm -rf node_modules/greptime-web-telemetry
node --input-type=module -e "import { installPackedTarball } from '../e2e/harness.mjs'; installPackedTarball(process.cwd());"
node --test matrix.test.mjs
node readme-table.mjs
