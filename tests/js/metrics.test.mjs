// The metrics hot path in Node with a counting core: a known attribute set never crosses into
// WASM again, and measurements cross in bulk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIST, TelemetrySdk, newCore, newSdk, fakeTransport } from './load_core.mjs';

function countingCore(extra) {
  const core = newCore(extra);
  const calls = { registerSeries: 0, recordMeasurements: 0, measurements: 0 };
  const registerSeries = core.registerSeries.bind(core);
  const recordMeasurements = core.recordMeasurements.bind(core);
  core.registerSeries = (...args) => {
    calls.registerSeries++;
    return registerSeries(...args);
  };
  core.recordMeasurements = (pairs) => {
    calls.recordMeasurements++;
    calls.measurements += pairs.length / 2;
    return recordMeasurements(pairs);
  };
  return { core, calls };
}

test('a known attribute set is registered once; measurements cross in bulk', async () => {
  const { core, calls } = countingCore({ metrics: { exportIntervalMillis: 600000 } });
  const { transport, calls: sent } = fakeTransport();
  const t = new TelemetrySdk(core, core.settings, transport);
  const counter = t.meter.createCounter('tool_calls');
  const sets = Array.from({ length: 10 }, (_, i) => ({ tool: `tool-${i}`, status: 'ok' }));
  for (let i = 0; i < 10000; i++) counter.add(1, sets[i % 10]);
  for (let i = 0; i < 10; i++) counter.add(1, { status: 'ok', tool: `tool-${i}` }); // another key order
  assert.equal(calls.registerSeries, 20, 'once per attribute set and key order, never per add');
  assert.equal(calls.recordMeasurements, 9, '1024 measurements per crossing');
  await t.forceFlush();
  assert.equal(calls.measurements, 10010);
  assert.equal(sent.length, 1);
  assert.equal(t.stats().metricSeries, 10, 'the core folded both key orders into one series each');
  assert.equal(t.stats().metricPointsExported, 10);
  await t.shutdown();
});

test('invalid instruments and values record nothing and never throw', async () => {
  const { core, calls } = countingCore();
  const t = new TelemetrySdk(core, core.settings, fakeTransport().transport);
  const original = console.warn;
  const warnings = [];
  console.warn = (m) => warnings.push(String(m));
  try {
    const bad = t.meter.createCounter('has space');
    bad.add(1);
    t.meter.createCounter(42).add(1);
    const h = t.meter.createHistogram('h', { advice: { explicitBucketBoundaries: [5, 1] } });
    h.record(-1);
    h.record('3');
    h.record(2);
    const g = t.meter.createGauge('g');
    g.record(-5); // gauges may be negative
    t.meter.createObservableGauge('o').addCallback('not a function');
  } finally {
    console.warn = original;
  }
  assert.equal(calls.registerSeries, 2);
  assert.equal(t.stats().invalidMeasurements, 2);
  assert.ok(warnings.some((w) => w.includes('instrument name "has space" is invalid')));
  assert.ok(warnings.some((w) => w.includes('explicitBucketBoundaries must be finite and strictly increasing')));
  assert.ok(warnings.some((w) => w.includes('instrument name must be a string')));
  await t.shutdown();
});

test('an observable callback that never settles is cut off at the export timeout', async () => {
  const { core } = countingCore({ metrics: { exportTimeoutMillis: 50, exportIntervalMillis: 600000 } });
  const t = new TelemetrySdk(core, core.settings, fakeTransport().transport);
  t.meter.createObservableGauge('stuck').addCallback(() => new Promise(() => {}));
  t.meter.createObservableGauge('fine').addCallback((r) => r.observe(1));
  const original = console.warn;
  console.warn = () => {};
  try {
    const started = Date.now();
    await t.forceFlush();
    assert.ok(Date.now() - started < 1000);
  } finally {
    console.warn = original;
  }
  assert.equal(t.stats().callbackErrors, 1);
  assert.equal(t.stats().metricPointsExported, 1);
  await t.shutdown();
});

test('instrument names, units and bucket boundaries follow the specification (checked in JS only)', async () => {
  const { validName, validUnit, validBoundaries } = await import(`${DIST}metrics/instrument_rules.js`);
  for (const ok of ['a', 'agent.tool_calls', 'http.client.request.duration', 'a/b-c_d', 'x'.repeat(255)]) assert.ok(validName(ok), ok);
  for (const bad of ['', '1abc', '_x', 'has space', 'ünicode', 'a:b', 'x'.repeat(256)]) assert.ok(!validName(bad), bad);
  assert.ok(validUnit('ms') && validUnit('{call}') && validUnit(''));
  assert.ok(!validUnit('µs') && !validUnit('x'.repeat(64)));
  assert.ok(validBoundaries([0, 5, 10, 25]) && validBoundaries([]));
  for (const bad of [[1, 1], [2, 1], [NaN], [0, Infinity]]) assert.ok(!validBoundaries(bad), String(bad));
});
