#!/usr/bin/env bash
# Runs every test (the README's test command; .ci/run runs exactly this). Installs what it needs first.
#   1. Rust format, lints, unit tests   7. end-to-end tests against the receiver: Chromium, and Firefox ESR where it matters
#   2. receiver, agent backend (pytest) 8. the React example, built by Vite from the packed tarball, in Chromium
#   3. WASM tests in headless Chrome    9. type tests of the packed .d.ts (strict, bundler and nodenext)
#   4. package build (load check), size budgets 10. the Next.js App Router example (build, start, dev) in Chromium
#   5. JS unit tests (Node)             11. the packaging matrix (every bundler; the README's table checked)
#   6. React hook tests (Vitest; React 19, then 18)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
step() { printf '\n=== %s\n' "$*"; }

step "1/11 Rust: formatting, lints (native and wasm32), native tests"
cargo fmt --all --check
cargo clippy --locked --workspace --all-targets -- -D warnings
# crates/query-check is a native test crate (README and dashboard queries), never built for wasm32.
cargo clippy --locked --workspace --exclude greptime-web-telemetry-query-check --all-targets --target wasm32-unknown-unknown -- -D warnings
cargo test --locked --workspace

step "2/11 receiver contract tests, then the agent backend's observability (pytest)"
.venv/bin/python -m pytest tests/receiver -q -p no:cacheprovider
.venv/bin/python -m pytest examples/agent-backend -q -p no:cacheprovider

step "3/11 WASM tests in headless Chrome (wasm-bindgen-test)"
wasm-pack test --headless --chrome -- --locked

step "4/11 build the npm package; size budgets (size-budgets.json, the README's size table)"
bash scripts/build-package.sh
node scripts/size-budgets.mjs   # size-budgets.json and the README's size table (about 1 s)

step "5/11 JS unit tests (node --test)"
node --test tests/js/

step "6/11 React hook tests (Vitest, jsdom): React 19, then React 18"
vitest run
REACT=18 vitest run

step "7/11 end-to-end tests in headless Chromium (signals, capture, retries, offline and page unload in Firefox ESR too)"
node tests/e2e/build-page.mjs
node --test --test-concurrency=1 tests/e2e/

step "8/11 React example (Vite, packed tarball) in headless Chromium"
bash examples/react-vite/test.sh

step "9/11 type tests: the packed .d.ts under strict + exactOptionalPropertyTypes (bundler, nodenext)"
bash tests/types/test.sh

step "10/11 Next.js App Router example (packed tarball): next build Turbopack and webpack, next start, next dev, in headless Chromium"
bash examples/nextjs-app-router/test.sh

step "11/11 packaging matrix (packed tarball): Parcel, webpack, Vite build + dev, Rollup iife, esbuild in headless Chromium; README table"
bash tests/packaging/test.sh

printf '\nall tests passed\n'
