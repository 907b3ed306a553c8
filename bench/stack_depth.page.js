// The WASM core's deepest stack use (bench/stack_depth.mjs): linear memory starts zeroed and the
// stack sits at its bottom (rustc links wasm stack-first), growing down from STACK_BYTES; after a
// workload that reaches every entry point at its deepest (values nested to the limit, every
// metric kind, malformed chunks), the lowest non-zero byte under the stack's top
// marks how deep it went.
import { initTelemetry } from 'greptime-web-telemetry';
import { loadCore } from '../build/pkg/dist/runtime/wasm_loader.js';

/** A value nested `depth` deep, alternating maps and arrays, with a few leaves at each level. */
const nested = (depth) => (depth === 0 ? 'leaf' : depth % 2 ? { a: nested(depth - 1), b: [1, 2.5, true, 'x'], c: 'y' } : [nested(depth - 1), { k: 'v' }, 7]);

window.runStackProbe = async (endpoint, stackBytes) => {
  const t = await initTelemetry({ endpoint, serviceName: 'stack-probe', compression: 'none', rum: false, batch: { maxExportBatchSize: 64, scheduledDelayMillis: 3600000 } });
  if (!t.enabled) throw new Error('telemetry did not start');
  for (let i = 0; i < 500; i++) {
    const span = t.tracer.startSpan(`span ${i % 7}`, { attributes: { list: ['a', 'b', 'c'], n: i, f: i / 3, ok: i % 2 === 0, s: 'x'.repeat(i % 300) } });
    span.addEvent('e', { nested: [1, 2, 3], k: 'v' });
    if (i % 5 === 0) span.recordException(new Error('boom'));
    span.end();
    t.logger.emit({ body: nested(8), severityNumber: 9, attributes: { deep: nested(6), n: i } });
  }
  const counter = t.meter.createCounter('c');
  const histogram = t.meter.createHistogram('h', { unit: 'ms' });
  const gauge = t.meter.createGauge('g');
  const updown = t.meter.createUpDownCounter('u');
  t.meter.createObservableGauge('og').addCallback((r) => r.observe(1, { a: 'b' }));
  for (let i = 0; i < 3000; i++) {
    const attributes = { route: `/r${i % 50}`, code: i % 5, list: ['x', 'y'], flag: i % 3 === 0 };
    counter.add(1, attributes);
    histogram.record(i % 1000, attributes);
    gauge.record(i, attributes);
    updown.add(i % 2 ? 1 : -1, attributes);
  }
  await t.forceFlush();
  // An entry point the public API reaches only on a bug: a malformed chunk, on a core of its
  // own. (Splitting a request, for a 413 or page hide, is TypeScript's: js/export/split_request.ts.)
  const glue = await loadCore();
  const core = new glue.TelemetryCore(new Float64Array([2048, 512, 2048, 512, 2000, 0]), new Uint8Array(0), Date.now());
  const garbage = new Uint8Array(4096).map((_, i) => (i * 131) & 255);
  core.ingest(0, garbage);
  core.ingest(1, garbage);
  core.free();
  await t.shutdown();
  const { memory } = await glue.default();
  const bytes = new Uint8Array(memory.buffer, 0, stackBytes);
  let lowest = 0;
  while (lowest < stackBytes && bytes[lowest] === 0) lowest++;
  return { deepestBytes: stackBytes - lowest, memoryBytes: memory.buffer.byteLength };
};
