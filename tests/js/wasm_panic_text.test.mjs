// The release .wasm carries no panic message or source path: the pinned nightly's
// `-Cpanic=immediate-abort` and `-Zlocation-detail=none` (scripts/wasm-toolchain.sh) leave none
// to emit. Checked both ways on the built module: none of them is left, and the data the core
// does read (the overflow attribute, wasm-bindgen's messages to JS, the string table's error
// reason) is intact. WASM_PATH= checks another build's module. ('Out of bounds access' is
// VecDeque's indexing panic, which the stable build's zeroing missed.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DIST } from './load_core.mjs';

const wasm = readFileSync(process.env.WASM_PATH ?? `${DIST}wasm/greptime_web_telemetry_bg.wasm`).toString('latin1');

test('the release .wasm carries no panic message or source path', () => {
  assert.deepEqual(wasm.match(/[A-Za-z0-9_\-/]+\.rs\b/g) ?? [], []);
  for (const text of ['index out of bounds', 'slice index starts at', 'called `Option::unwrap()`', 'capacity overflow', 'a block with room was just ensured', 'Out of bounds access']) {
    assert.equal(wasm.includes(text), false, text);
  }
});

test('the data the core reads is intact', () => {
  for (const text of ['otel.metric.overflow', 'null pointer passed to rust', 'string table overflow']) {
    assert.equal(wasm.includes(text), true, text);
  }
});
