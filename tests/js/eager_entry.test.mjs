// `greptime-web-telemetry/eager` imported where there is no browser (server-side rendering): it
// fills in the bundled modules, as it must for the browser, and starts nothing (no WASM core
// loaded). In the browser: tests/e2e/eager.e2e.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../../build/pkg/dist/', import.meta.url));

test('imported outside a browser, /eager throws nothing and loads no core', async () => {
  assert.equal(typeof document, 'undefined');
  await import(`${DIST}eager/index.js`);
  const { bundled } = await import(`${DIST}runtime/bundled_modules.js`);
  const { wasmMemoryBytes } = await import(`${DIST}runtime/wasm_loader.js`);
  assert.equal(typeof bundled.core?.buildCore, 'function');
  assert.equal(typeof bundled.inline?.WASM_DEFLATE_BASE64, 'string');
  assert.equal(typeof bundled.store?.OfflineStore, 'function');
  // Give a started load its turns: none was started.
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(wasmMemoryBytes(), 0);
});
