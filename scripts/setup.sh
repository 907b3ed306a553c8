#!/usr/bin/env bash
# Idempotent toolchain setup for a fresh Debian machine (root, package registries only).
# Safe to re-run: every step checks what is already there and skips it.
# Nothing prebuilt can be downloaded here, so Rust tools are compiled from crates.io.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_PACK_VERSION=0.15.1
# The wasm-bindgen CLI must equal the wasm-bindgen crate locked in Cargo.lock exactly,
# or wasm-pack silently compiles another copy into its cache (minutes, every fresh machine).
WBG_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3; exit}' Cargo.lock)
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
ver() { "$1" --version 2>/dev/null | awk '{print $2}' || true; }
log() { printf '[setup] %s\n' "$*"; }

# 1. Debian packages: Chromium and its driver for browser tests; Firefox ESR for the page-unload
#    tests (driven by puppeteer-core over WebDriver BiDi: no geckodriver, no browser download).
#    Never Debian's binaryen: its wasm-opt 108 corrupts wasm-bindgen output while reporting success.
pkgs=()
command -v chromium >/dev/null     || pkgs+=(chromium)
command -v chromedriver >/dev/null || pkgs+=(chromium-driver)
command -v firefox-esr >/dev/null  || pkgs+=(firefox-esr)
if [ ${#pkgs[@]} -gt 0 ]; then
  log "apt-get install ${pkgs[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi
if [ -x /usr/bin/wasm-opt ] && /usr/bin/wasm-opt --version 2>/dev/null | grep -q 'version 108'; then
  log "warning: /usr/bin/wasm-opt is Debian's binaryen 108, which breaks wasm-bindgen output; node_modules/.bin/wasm-opt (binaryen 132) is put first on PATH by the build"
fi

# 2. Rust target and cargo-built tools.
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
# The test command checks formatting and lints; minimal rustup profiles leave these two out.
for component in rustfmt clippy; do
  rustup component list --installed | grep -q "^$component-" || rustup component add "$component"
done
# The pinned nightly that builds the release .wasm (scripts/wasm-toolchain.sh); rust-src for
# -Zbuild-std. Minimal profile: about 10 s to download; nothing else uses it.
. scripts/wasm-toolchain.sh
if ! rustup component list --toolchain "$WASM_TOOLCHAIN" --installed 2>/dev/null | grep -qx rust-src \
  || ! rustup target list --toolchain "$WASM_TOOLCHAIN" --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "rustup toolchain install $WASM_TOOLCHAIN"
  rustup toolchain install "$WASM_TOOLCHAIN" --profile minimal -c rust-src -t wasm32-unknown-unknown
fi
[ "$(ver wasm-pack)" = "$WASM_PACK_VERSION" ] || cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked --force
# No --locked: wasm-bindgen-cli's own lock names a webpki-roots version the registry does not serve.
[ "$(ver wasm-bindgen)" = "$WBG_VERSION" ] || cargo install wasm-bindgen-cli --version "$WBG_VERSION" --force

# 3. Node packages (binaryen 132 is the wasm-opt wasm-pack uses; playwright-core drives /usr/bin/chromium;
#    esbuild bundles test pages and measures sizes; typescript compiles js/; vitest, jsdom and
#    Testing Library run the React hook tests; @opentelemetry/* are what the benchmark compares with).
# puppeteer-core drives /usr/bin/firefox-esr; it must never download a browser of its own.
export PUPPETEER_SKIP_DOWNLOAD=1
stamp=node_modules/.setup-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

# React 18 for the hook tests' second run (the root has React 19).
r18stamp=tests/react18/node_modules/.setup-stamp
if [ ! -f "$r18stamp" ] || ! cmp -s tests/react18/package-lock.json "$r18stamp"; then
  log "npm ci (tests/react18)"
  (cd tests/react18 && npm ci --no-audit --no-fund --loglevel=error)
  cp tests/react18/package-lock.json "$r18stamp"
fi

# The OpenTelemetry API bridge's e2e page: a real contrib instrumentation and @opentelemetry/api
# (tests/e2e/otel_bridge.e2e.test.mjs); kept out of the root so the package's own installs stay lean.
otelstamp=tests/e2e/otel/node_modules/.setup-stamp
if [ ! -f "$otelstamp" ] || ! cmp -s tests/e2e/otel/package-lock.json "$otelstamp"; then
  log "npm ci (tests/e2e/otel)"
  (cd tests/e2e/otel && npm ci --no-audit --no-fund --loglevel=error)
  cp tests/e2e/otel/package-lock.json "$otelstamp"
fi

# 4. Python venv for the GreptimeDB-compatible receiver: it decodes with the official
#    opentelemetry-proto package, so our encoder is checked by an implementation that is not ours.
#    The agent backend example (FastAPI, OpenTelemetry's Python SDK) shares it.
pystamp=.venv/.setup-stamp
if [ ! -f "$pystamp" ] || ! cat tests/receiver/requirements.txt examples/agent-backend/requirements.txt | cmp -s - "$pystamp"; then
  log "python venv for the receiver and the agent backend"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r tests/receiver/requirements.txt -r examples/agent-backend/requirements.txt
  cat tests/receiver/requirements.txt examples/agent-backend/requirements.txt > "$pystamp"
fi

log "ok: $WASM_TOOLCHAIN for the .wasm, wasm-pack $(ver wasm-pack), wasm-bindgen $(ver wasm-bindgen), wasm-opt $(node_modules/.bin/wasm-opt --version | awk '{print $3}'), $(chromium --version 2>/dev/null), $(firefox-esr --version 2>/dev/null), $(.venv/bin/python --version)"
