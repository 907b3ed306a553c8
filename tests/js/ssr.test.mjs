// Server-side rendering: importing the package in Node must touch no browser global and load
// no WASM; calling initTelemetry there gives a no-op handle and one warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIST } from './load_core.mjs';

test('import and initTelemetry outside a browser', async () => {
  assert.equal(typeof globalThis.window, 'undefined');
  assert.equal(typeof globalThis.document, 'undefined');
  const { initTelemetry, SpanKind } = await import(`${DIST}index.js`);
  assert.equal(SpanKind.CLIENT, 2);
  const warnings = [];
  const original = console.warn;
  console.warn = (m) => warnings.push(String(m));
  let telemetry;
  try {
    telemetry = await initTelemetry({ endpoint: 'http://localhost:4000', serviceName: 'ssr' });
  } finally {
    console.warn = original;
  }
  assert.equal(telemetry.enabled, false);
  assert.deepEqual(warnings, ['[greptime-web-telemetry] telemetry disabled: not running in a browser (initTelemetry belongs in client-side code)']);
  assert.equal(telemetry.tracer.startActiveSpan('x', () => 7), 7);
});
