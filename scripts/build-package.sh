#!/usr/bin/env bash
# Builds the npm package into build/pkg and packs it into build/greptime-web-telemetry-<version>.tgz:
#   wasm-pack (release, --target web) → js/wasm/ ; the .wasm inlined as base64 ; tsc js/ → build/pkg/dist ;
#   pkg-template/ around it ; a load check in Node ; sizes printed.
set -euo pipefail
cd "$(dirname "$0")/.."
# node_modules/.bin first: wasm-pack must find binaryen 132's wasm-opt, never Debian's 108 (it breaks the output).
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

VERSION=$(awk -F'"' '/^version = / {print $2; exit}' Cargo.toml)
OUT=build/pkg

# The .wasm is built by a pinned nightly (scripts/wasm-toolchain.sh; scripts/setup.sh installs it).
. scripts/wasm-toolchain.sh
rustup component list --toolchain "$WASM_TOOLCHAIN" --installed 2>/dev/null | grep -qx rust-src \
  || { echo "build-package: $WASM_TOOLCHAIN with rust-src is not installed; run: bash scripts/setup.sh" >&2; exit 1; }
RUSTUP_TOOLCHAIN="$WASM_TOOLCHAIN" wasm-pack --quiet build --release --target web --out-dir js/wasm --out-name greptime_web_telemetry --no-pack -- --locked "${WASM_CARGO_ARGS[@]}"
rm -f js/wasm/.gitignore
node scripts/wasm-build-id.mjs js/wasm/greptime_web_telemetry_bg.wasm js/wasm
node scripts/inline-wasm.mjs js/wasm/greptime_web_telemetry_bg.wasm js/wasm

rm -rf "$OUT" && mkdir -p "$OUT/dist/wasm"
tsc -p js/tsconfig.json
# The React entry must start with the directive (Next.js App Router: importable from server components).
[ "$(head -1 "$OUT/dist/react/index.js")" = "'use client';" ] || { echo "dist/react/index.js lost its 'use client' first line" >&2; exit 1; }
cp js/wasm/greptime_web_telemetry.js js/wasm/greptime_web_telemetry.d.ts js/wasm/inline_wasm.js js/wasm/inline_wasm.d.ts js/wasm/wasm_build_id.js js/wasm/wasm_build_id.d.ts "$OUT/dist/wasm/"
# The module as a file of its own too, for apps that serve it (`wasmUrl`; exports "./core.wasm").
cp js/wasm/greptime_web_telemetry_bg.wasm "$OUT/dist/wasm/"
node -e '
  const fs = require("fs");
  const pkg = JSON.parse(fs.readFileSync("pkg-template/package.json", "utf8"));
  pkg.version = process.argv[1];
  fs.writeFileSync(process.argv[2] + "/package.json", JSON.stringify(pkg, null, 2) + "\n");
' "$VERSION" "$OUT"
cp pkg-template/README.md "$OUT/README.md"
cp LICENSE "$OUT/LICENSE"

# Catch a broken module now (a bad wasm-opt produces one that fails only at init).
node scripts/check-package.mjs "$OUT"

(cd build && rm -f greptime-web-telemetry-*.tgz && npm pack ./pkg --silent >/dev/null)
node scripts/print-sizes.mjs "$OUT" "build/greptime-web-telemetry-$VERSION.tgz"
