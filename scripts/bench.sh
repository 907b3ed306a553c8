#!/usr/bin/env bash
# The benchmark against OpenTelemetry JS, in one command (installs what it needs): shipped
# size (esbuild bundles), speed in headless Chromium (S1 spans against the GreptimeDB-like receiver
# and against a fast sink, encoding, S2 metrics, heap; seven runs in fresh pages), and the
# counter.add micro-benchmark. Prints every figure. (bench/profile_flush.mjs and
# bench/fetch_options.mjs look into the flush path; they are not part of this run.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-package.sh
node bench/sizes.mjs
node bench/speed.mjs
node bench/counter_add.mjs
