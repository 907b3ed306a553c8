// A real failure inside the WASM core, not a stub: its linear memory is grown to the wasm32
// maximum from outside, so the core's next allocation fails and Rust aborts with a trap
// (`RuntimeError: unreachable`), as on a page that runs out of memory. Telemetry must stop with
// one warning, and the app must never see the error. (Its own file: the memory stays exhausted.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIST, newSdk, fakeTransport } from './load_core.mjs';

const glue = await import(`${DIST}wasm/greptime_web_telemetry.js`);

/** Grows the core's memory to 65536 pages (4 GiB, reserved not committed): nothing left to allocate. */
function exhaustCoreMemory() {
  const { memory } = glue.initSync({ module: new Uint8Array(0) }); // already initialised: returns its exports
  for (let pages = 32768; pages >= 1; pages >>= 1) {
    try {
      memory.grow(pages);
    } catch {
      // more than is left: try half as much
    }
  }
  assert.equal(memory.buffer.byteLength, 2 ** 32);
}

test('the WASM core trapping (out of memory) stops telemetry with one warning, never reaching the app', async () => {
  const { transport, calls } = fakeTransport();
  const t = newSdk({ batch: { maxQueueSize: 100000, scheduledDelayMillis: 60000 } }, transport);
  t.tracer.startSpan('before').end();
  await t.forceFlush();
  assert.equal(calls.length, 1);
  const warnings = [];
  const original = console.warn;
  console.warn = (m) => warnings.push(String(m));
  try {
    exhaustCoreMemory();
    // About 1.6 MB of spans: the core must grow its memory to queue them, and cannot.
    assert.doesNotThrow(() => {
      for (let i = 0; i < 200; i++) t.tracer.startSpan('big', { attributes: { payload: 'x'.repeat(8000), i } }).end();
    });
    await t.forceFlush();
    assert.doesNotThrow(() => t.meter.createCounter('c').add(1));
    assert.equal(t.tracer.startSpan('after').isRecording(), false, 'telemetry is off for the page');
    assert.equal(t.tracer.startActiveSpan('still runs', () => 5), 5);
    await t.forceFlush();
    assert.equal(typeof t.stats().spansExported, 'number');
    await t.shutdown();
  } finally {
    console.warn = original;
  }
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /telemetry stopped after an internal error in the WASM core: RuntimeError: unreachable/);
  assert.equal(calls.length, 1, 'nothing sent after the failure');
});
