#!/usr/bin/env bash
# Benchmarks against the official OpenTelemetry JS SDK, in headless Chromium (installs what it needs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-package.sh
node bench/counter_add.mjs
