// A panic inside the WASM core, through the built module: an allocation the core itself makes
// fails, so Rust's allocation-error path panics. The release .wasm is built with
// `-Cpanic=immediate-abort` (scripts/wasm-toolchain.sh): that panic is a bare `unreachable` trap,
// with no panic handler run. The JS layer must still turn it into a no-op with one warning.
// (tests/js/core_failure.test.mjs fails the glue's allocation of a chunk instead: a trap too,
// but not a panic.) Its own file: the memory stays exhausted.
//
// How the failing allocation is made the core's own: 150 spans of 8 KB are ingested in chunks
// of 8, so no free block left in the heap is larger than a chunk (64 KB); the memory is then
// grown to the wasm32 maximum from outside, so the heap cannot grow; then the request is asked
// for, and the batch's 1.2 MB buffer (`take_batch`, src/pipeline/batch_queue.rs) cannot be had.
// No argument crosses into the core for that call, so the glue allocates nothing first. (With
// names kept, the trap's stack reads `alloc::raw_vec::handle_error` ← `Vec::with_capacity_in` ←
// `BatchQueue::take_batch` ← `TelemetryCore::take_request`.) Driven through `CoreHandle`
// (js/export/core_handle.ts), the one place every call into the core goes through: the SDK's
// own scheduling would export these spans before the memory runs out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIST, CoreHandle, RecordWriter, newAttributeList, newCore } from './load_core.mjs';

const glue = await import(`${DIST}wasm/greptime_web_telemetry.js`);
const { memory } = glue.initSync({ module: new Uint8Array(0) }); // already initialised: returns its exports

/** Grows the core's memory to 65536 pages (4 GiB, reserved not committed): the heap cannot grow. */
function exhaustCoreMemory() {
  for (let pages = 32768; pages >= 1; pages >>= 1) {
    try {
      memory.grow(pages);
    } catch {
      // more than is left: try half as much
    }
  }
  assert.equal(memory.buffer.byteLength, 2 ** 32);
}

/** An ended span's record (js/wire/record_writer.ts) with an 8 KB attribute. */
function bigSpan(i) {
  const attributes = newAttributeList();
  attributes.keys.push('payload');
  attributes.values.push(`${i}:${'x'.repeat(8000)}`);
  return {
    t0: 1, t1: 2, t2: 3, t3: 4, s0: 5, s1: i + 1, p0: 0, p1: 0, traceFlags: 1, kind: 0, name: 'big',
    scopeName: 'test', scopeVersion: '', traceState: '', startMs: 1.7e12, endMs: 1.7e12 + 1,
    statusCode: 0, statusMessage: '', attributes, events: undefined, droppedEvents: 0, links: undefined, droppedLinks: 0,
  };
}

test('a panic in the WASM core (its own allocation fails) is a trap that stops the core with one warning', () => {
  const core = newCore({ batch: { maxQueueSize: 100000, maxExportBatchSize: 512 } });
  const handle = new CoreHandle(core, core.settings);
  const writer = new RecordWriter();
  for (let i = 0; i < 150; i++) {
    writer.writeSpan(bigSpan(i));
    if (i % 8 === 7 || i === 149) assert.equal(handle.call((c) => c.ingest(0, writer.take()), -2), i + 1);
  }
  const warnings = [];
  const original = console.warn;
  console.warn = (m) => warnings.push(String(m));
  try {
    exhaustCoreMemory();
    assert.equal(handle.call((c) => c.takeRequest(0, 0), 'fallback'), 'fallback');
    assert.equal(handle.broken, true);
    // From now on the core is not called at all: every call returns its fallback, silently.
    assert.equal(handle.call((c) => c.queued(0), -1), -1);
  } finally {
    console.warn = original;
  }
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /telemetry stopped after an internal error in the WASM core: RuntimeError: unreachable/);
});
