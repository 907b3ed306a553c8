// Metric series identity and the metric pipeline's error paths, in Node with the real WASM core:
// overflowed sets counted once, boolean/array attributes sent as strings (warned once), a failed
// collection does not stop later ones, and creating an instrument again reuses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TelemetrySdk, newCore, newSdk, fakeTransport } from './load_core.mjs';

function capturingWarnings() {
  const original = console.warn;
  const warnings = [];
  console.warn = (m) => warnings.push(String(m));
  return { warnings, restore: () => (console.warn = original) };
}

test('an overflowed attribute set is counted once, however often the JS cache starts over', async () => {
  const t = newSdk({ metrics: { exportIntervalMillis: 600000, cardinalityLimit: 10 } }, fakeTransport().transport);
  const { warnings, restore } = capturingWarnings();
  try {
    const wide = t.meter.createCounter('wide');
    // 5,000 sets (more than the JS cache's 4,096), three times: the cache starts over between passes.
    for (let pass = 0; pass < 3; pass++) for (let i = 0; i < 5000; i++) wide.add(1, { user: `u${i}` });
  } finally {
    restore();
  }
  assert.equal(t.stats().metricSeriesOverflowed, 5000 - 9, '9 sets fit under the limit of 10; the rest overflowed, each counted once');
  const cardinality = warnings.filter((w) => w.includes('metrics.cardinalityLimit'));
  assert.equal(cardinality.length, 1, warnings.join('\n'));
  assert.match(cardinality[0], /"wide"/, 'the warning names the instrument');
  await t.shutdown();
});

test('boolean and array metric attributes are sent as strings GreptimeDB keeps, warned once', async () => {
  const { transport, calls } = fakeTransport();
  const t = newSdk({ metrics: { exportIntervalMillis: 600000 } }, transport);
  const { warnings, restore } = capturingWarnings();
  try {
    const flags = t.meter.createCounter('feature.uses');
    flags.add(1, { enabled: true });
    flags.add(1, { enabled: false });
    flags.add(1, { enabled: true }); // a known set: not converted (nor counted) again
    flags.add(1, { variants: ['a', 'b'], plain: 'x' });
    await t.forceFlush();
  } finally {
    restore();
  }
  const converted = warnings.filter((w) => w.includes('metricAttributesConverted'));
  assert.equal(converted.length, 1, warnings.join('\n'));
  assert.match(converted[0], /"enabled"/);
  assert.match(converted[0], /"feature\.uses"/);
  const stats = t.stats();
  assert.equal(stats.metricAttributesConverted, 3);
  assert.equal(stats.metricSeries, 3, 'true, false and the array set stay three series');
  // The exported body carries the strings (a protobuf string field holds the bytes as they are).
  const text = Buffer.from(calls[0].body).toString('latin1');
  for (const s of ['true', 'false', '["a","b"]']) assert.ok(text.includes(s), `${s} in the request`);
  await t.shutdown();
});

test('one attribute set is one series whatever the order of its keys (sorted in JS, js/metrics/canonical_set.ts)', async () => {
  const { transport, calls } = fakeTransport();
  const t = newSdk({ metrics: { exportIntervalMillis: 600000 } }, transport);
  const c = t.meter.createCounter('tool.calls');
  c.add(1, { a: '1', b: '2', c: 3 });
  c.add(2, { c: 3, b: '2', a: '1' });
  c.add(4, { b: '2', c: 3, a: '1' });
  c.add(8, { b: '2', a: '1' }); // another set
  assert.equal(t.stats().metricSeries, 2, 'three orders of one set are one series; the fourth set another');
  await t.forceFlush();
  const body = Buffer.from(calls.find((call) => call.url.endsWith('/v1/metrics')).body);
  // Each data point carries its value as a double (field 4, fixed64): 7 for the set, 8 for the other.
  const doubles = [];
  for (let i = 0; i + 9 <= body.length; i++) if (body[i] === 0x21) doubles.push(body.readDoubleLE(i + 1));
  assert.ok(doubles.includes(7) && doubles.includes(8), `sums 7 and 8 in the request (${doubles})`);
  await t.shutdown();
});

test('a failed collection does not stop metric collection for the rest of the page', async () => {
  const { transport, calls } = fakeTransport();
  const t = newSdk({ metrics: { exportIntervalMillis: 600000 } }, transport);
  const { warnings, restore } = capturingWarnings();
  try {
    // A callback throwing a value that cannot even be turned into a string.
    const hostile = t.meter.createObservableGauge('hostile');
    const throwNullProto = () => {
      throw Object.create(null);
    };
    hostile.addCallback(throwNullProto);
    const counter = t.meter.createCounter('after');
    counter.add(1);
    await t.forceFlush();
    hostile.removeCallback(throwNullProto);
    counter.add(1);
    await t.forceFlush();
    counter.add(1);
    await t.forceFlush();
  } finally {
    restore();
  }
  const metricRequests = calls.filter((c) => c.url.endsWith('/v1/metrics'));
  assert.equal(metricRequests.length, 3, `every forceFlush exported (${warnings.join('\n')})`);
  assert.equal(t.stats().callbackErrors, 1);
  await t.shutdown();
});

test('a collection that throws is counted and warned once, and the next one runs', async () => {
  const { transport, calls } = fakeTransport();
  const t = newSdk({ metrics: { exportIntervalMillis: 600000 } }, transport);
  const { warnings, restore } = capturingWarnings();
  try {
    t.meter.createCounter('c').add(1);
    // The measurement buffer's hand-over fails once (as a bug or a broken core would).
    const flush = t.buffer.flush.bind(t.buffer);
    let failures = 2;
    t.buffer.flush = () => {
      if (failures-- > 0) throw new Error('hand-over failed');
      flush();
    };
    await t.forceFlush();
    await t.forceFlush();
    await t.forceFlush();
  } finally {
    restore();
  }
  assert.equal(calls.filter((c) => c.url.endsWith('/v1/metrics')).length, 1);
  assert.equal(t.stats().metricCollectionErrors, 2);
  assert.equal(warnings.filter((w) => w.includes('metricCollectionErrors')).length, 1, warnings.join('\n'));
  await t.shutdown();
});

test('creating the same instrument again returns it: observables do not pile up', async () => {
  const t = newSdk({ metrics: { exportIntervalMillis: 600000 } }, fakeTransport().transport);
  const meter = t.getMeter('widgets');
  let runs = 0;
  for (let i = 0; i < 5000; i++) {
    // A component that registers on mount and unregisters on unmount.
    const gauge = meter.createObservableGauge('widgets.mounted');
    const callback = (r) => {
      runs++;
      r.observe(1);
    };
    gauge.addCallback(callback);
    gauge.removeCallback(callback);
  }
  assert.equal(t.observables.length, 1, 'one observable in the registry');
  const gauge = meter.createObservableGauge('widgets.mounted');
  assert.equal(gauge, meter.createObservableGauge('widgets.mounted'), 'same name, kind and unit: the same instrument');
  assert.notEqual(gauge, meter.createObservableGauge('widgets.mounted', { unit: 'By' }), 'another unit is another instrument');
  assert.notEqual(gauge, t.getMeter('other').createObservableGauge('widgets.mounted'), 'another scope is another instrument');
  assert.equal(meter.createCounter('c'), meter.createCounter('c'));
  assert.equal(meter.createCounter('Case.Name'), meter.createCounter('case.NAME'), 'names are case-insensitive');
  assert.notEqual(meter.createCounter('case.name'), meter.createUpDownCounter('case.name'), 'another kind is another instrument');
  const counters = t.stats().metricSeries; // nothing recorded yet: instruments are counted by the export below
  meter.createCounter('case.name').add(1);
  meter.createCounter('CASE.name').add(2);
  assert.equal(t.stats().metricSeries, counters + 1, 'one instrument, one series');
  gauge.addCallback((r) => r.observe(2));
  await t.forceFlush();
  assert.equal(runs, 0, 'removed callbacks never run');
  assert.equal(t.observables.length, 3);
  assert.equal(t.stats().metricPointsExported, 2, 'the gauge and the one case.name counter');
  await t.shutdown();
});

test('hostile attribute values on the metric hot path never throw into the app', async () => {
  const t = newSdk({ metrics: { exportIntervalMillis: 600000 } }, fakeTransport().transport);
  const { warnings, restore } = capturingWarnings();
  const counter = t.meter.createCounter('hostile.attrs');
  try {
    assert.doesNotThrow(() => counter.add(1, { a: [Object.create(null)] }));
    assert.doesNotThrow(() => counter.add(1, { a: [{ toString: () => { throw new Error('nope'); } }] }));
    const getter = {};
    Object.defineProperty(getter, 'boom', { enumerable: true, get: () => { throw new Error('getter'); } });
    assert.doesNotThrow(() => counter.add(1, getter));
    const proxy = new Proxy({}, { ownKeys: () => { throw new Error('proxy'); } });
    assert.doesNotThrow(() => counter.add(1, proxy));
    counter.add(1, { ok: 'yes' });
    await t.forceFlush();
  } finally {
    restore();
  }
  const stats = t.stats();
  assert.ok(stats.invalidAttributes + stats.invalidArguments >= 2, JSON.stringify(stats));
  assert.ok(stats.metricPointsExported >= 1);
  await t.shutdown();
});
