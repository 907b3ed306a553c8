// The README's "memory is bounded: … the tracer cache": tracers, meters and loggers are cached by
// scope up to MAX_CACHED_SCOPES (js/telemetry.ts); an app that makes a scope per request or
// per component instance gets working, uncached ones beyond that, never an ever-growing map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TelemetrySdk, newCore, newSdk, fakeTransport } from './load_core.mjs';

test('tracers, meters and loggers are cached up to a bound; beyond it they work uncached', async () => {
  const { transport, calls } = fakeTransport();
  const t = newSdk({ batch: { scheduledDelayMillis: 60000 } }, transport);
  const early = { tracer: t.getTracer('early', '1'), meter: t.getMeter('early'), logger: t.getLogger('early') };
  assert.equal(t.getTracer('early', '1'), early.tracer, 'a scope seen before is the same object');
  assert.notEqual(t.getTracer('early', '2'), early.tracer, 'the version is part of the scope');
  assert.equal(t.getMeter('early'), early.meter);
  assert.equal(t.getLogger('early'), early.logger);

  for (let i = 0; i < 10000; i++) {
    t.getTracer(`tracer ${i}`);
    t.getMeter(`meter ${i}`);
    t.getLogger(`logger ${i}`);
  }
  // Past the bound: a new object per call (nothing retained), and still a working one.
  const late = t.getTracer('late');
  assert.notEqual(t.getTracer('late'), late, 'scopes past the bound are not cached');
  assert.notEqual(t.getMeter('late'), t.getMeter('late'));
  assert.notEqual(t.getLogger('late'), t.getLogger('late'));
  assert.equal(t.getTracer('early', '1'), early.tracer, 'what was cached stays cached');
  assert.ok(t.scopes.size <= 3 * 64, `${t.scopes.size} cached scopes`);
  const span = late.startSpan('from an uncached tracer');
  assert.equal(span.isRecording(), true);
  span.end();
  await t.forceFlush();
  assert.equal(t.stats().spansExported, 1);
  assert.equal(calls.length, 1);
  await t.shutdown();
});
