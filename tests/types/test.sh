#!/usr/bin/env bash
# Type tests against the packed package: installs build/greptime-web-telemetry-*.tgz here (as a
# user's `npm install` would: the shipped .d.ts files and `exports` map are what is checked), then
# compiles the usage files with tsc --noEmit under strict + exactOptionalPropertyTypes, once with
# moduleResolution bundler and once with nodenext. `@ts-expect-error` lines are the mistakes the
# types must catch: tsc fails if one of them compiles.
set -euo pipefail
cd "$(dirname "$0")"
tarball=${TARBALL:-$(ls ../../build/greptime-web-telemetry-*.tgz 2>/dev/null | head -1)}
[ -n "$tarball" ] || { echo "run scripts/build-package.sh first" >&2; exit 1; }
[ -d node_modules/typescript ] && [ -d node_modules/@types/react ] || npm install --no-audit --no-fund --no-package-lock --loglevel=error
rm -rf node_modules/greptime-web-telemetry
npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$tarball"
# No `any` in a shipped declaration (a user would get it unchecked through a public signature).
# Comment lines aside; dist/wasm/ is wasm-bindgen's generated glue, outside the `exports` map.
if grep -rnwE 'any' --include='*.d.ts' --exclude-dir=wasm node_modules/greptime-web-telemetry/dist | grep -vE '^\S+:[0-9]+:\s*(/\*|\*|//)'; then
  echo "the shipped .d.ts files above contain 'any'" >&2; exit 1
fi
for mode in bundler nodenext; do
  ./node_modules/.bin/tsc -p "tsconfig.$mode.json"
  echo "type tests ok (moduleResolution $mode)"
done
