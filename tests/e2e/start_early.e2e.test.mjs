// startTelemetry's one object model, in Chromium through the receiver: what is recorded before
// the WASM core has loaded arrives with its own ids, parents and times; the objects handed out
// before the core is ready are the ones used after it (the same tracer, the same instrument for
// the same name); what an early call was given is taken at the call (an attribute object the
// app changes afterwards does not change what is sent; the configured span limits apply from the
// first line); and `ready` resolves to the handle itself.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, sdkWarnings, useTestPage } from './harness.mjs';

const env = useTestPage();
/** The receiver's typed attributes (`{ key: { type, value } }`) as plain values. */
const plain = (attributes) => Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, v.value]));

test('spans, logs and measurements recorded while the core loads arrive exactly, through the same objects as afterwards', async () => {
  await env.receiver.reset();
  const { page, pageErrors, consoleMessages } = await openPage(env.browser, env.site.url);
  const out = await page.evaluate(async (endpoint) => {
    const wallBefore = Date.now();
    const t = window.__gwt.startTelemetry({
      endpoint,
      serviceName: 'early-model',
      batch: { scheduledDelayMillis: 60000 },
      logBatch: { scheduledDelayMillis: 60000 },
      metrics: { exportIntervalMillis: 600000 },
      spanLimits: { attributeValueLengthLimit: 16 },
    });
    const tracer = t.getTracer('boot', '1.0');
    const logger = t.getLogger('boot');
    const root = tracer.startSpan('app start', { attributes: { phase: 'boot', long: 'x'.repeat(40) } });
    let child;
    tracer.startActiveSpan('load config', { parent: root }, (span) => {
      child = span.spanContext();
      logger.emit({ severityText: 'INFO', body: 'inside child' });
    });
    const explicit = tracer.startSpan('explicit times', { startTime: wallBefore - 1000 });
    explicit.end(wallBefore - 500);
    const logAttributes = { step: 'one', long: 'y'.repeat(40) };
    logger.emit({ body: 'changed later', attributes: logAttributes });
    logAttributes.step = 'two';

    const counter = t.meter.createCounter('early.model.count');
    const again = t.meter.createCounter('early.model.count');
    const route = { route: '/a' };
    counter.add(2, route);
    route.route = '/b'; // after the call: not what was recorded
    counter.add(1);
    const histogram = t.meter.createHistogram('early.model.ms', { unit: 'ms', advice: { explicitBucketBoundaries: [10, 100] } });
    histogram.record(5);
    histogram.record(50);
    t.meter.createObservableGauge('early.model.gauge').addCallback((r) => r.observe(7, { k: 'v' }));
    root.end();
    const before = t.stats();

    const ready = await t.ready;
    counter.add(3, { route: '/a' });
    tracer.startSpan('after ready', { parent: root }).end();
    await t.forceFlush();
    return {
      wallBefore,
      wallAfter: Date.now(),
      root: root.spanContext(),
      child,
      before,
      after: t.stats(),
      readyIsHandle: ready === t,
      sameInstrument: again === counter,
      sameTracer: t.getTracer('boot', '1.0') === tracer,
    };
  }, env.receiver.url);

  assert.equal(out.before.spansExported, 0, 'recorded before the core was ready');
  assert.equal(out.before.spansStarted, 3);
  assert.ok(out.readyIsHandle, '`ready` resolves to the handle itself');
  assert.ok(out.sameInstrument, 'the same name and kind give the same instrument before the core is ready, as after');
  assert.ok(out.sameTracer);
  assert.equal(out.after.droppedBeforeReady, 0);

  const spans = await env.receiver.waitFor('traces', 4, 5000).then(() => env.receiver.spans());
  const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
  assert.deepEqual(Object.keys(byName).sort(), ['after ready', 'app start', 'explicit times', 'load config']);
  const root = byName['app start'];
  assert.deepEqual([root.trace_id, root.span_id, root.parent_span_id], [out.root.traceId, out.root.spanId, '']);
  assert.deepEqual(plain(root.attributes), { phase: 'boot', long: 'x'.repeat(16) }, 'the configured spanLimits, before the core is ready');
  assert.deepEqual([root.scope.name, root.scope.version], ['boot', '1.0']);
  const child = byName['load config'];
  assert.deepEqual([child.trace_id, child.span_id, child.parent_span_id], [out.root.traceId, out.child.spanId, out.root.spanId]);
  assert.equal(byName['after ready'].parent_span_id, out.root.spanId);
  assert.equal(byName['after ready'].trace_id, out.root.traceId);
  const ms = (nanos) => Number(BigInt(nanos) / 1000000n);
  for (const s of [root, child]) {
    assert.ok(ms(s.start_time_unix_nano) >= out.wallBefore - 1 && ms(s.end_time_unix_nano) <= out.wallAfter + 1, `${s.name}: times within the run`);
  }
  const explicit = byName['explicit times'];
  assert.deepEqual([ms(explicit.start_time_unix_nano), ms(explicit.end_time_unix_nano)], [out.wallBefore - 1000, out.wallBefore - 500]);

  const logs = await env.receiver.logs();
  const inside = logs.find((l) => l.body?.value === 'inside child');
  assert.deepEqual([inside?.trace_id, inside?.span_id], [out.root.traceId, out.child.spanId], 'the early log carries its active span');
  assert.deepEqual(plain(logs.find((l) => l.body?.value === 'changed later')?.attributes ?? {}), { step: 'one', long: 'y'.repeat(16) });

  const points = (await env.receiver.metrics()).filter((p) => p.name.startsWith('early.model.'));
  const counted = points.filter((p) => p.name === 'early.model.count').map((p) => [JSON.stringify(plain(p.attributes)), p.value]);
  assert.deepEqual(counted.sort(), [['{"route":"/a"}', 5], ['{}', 1]], 'early 2 + later 3 in one series; the app changing its object afterwards changed nothing');
  const histogram = points.find((p) => p.name === 'early.model.ms');
  assert.deepEqual([histogram.count, histogram.sum, histogram.bucket_counts, histogram.unit], [2, 55, [1, 1, 0], 'ms']);
  assert.deepEqual(points.filter((p) => p.name === 'early.model.gauge').map((p) => [plain(p.attributes), p.value]), [[{ k: 'v' }, 7]]);
  const warnings = sdkWarnings(consoleMessages);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /stats\(\)\.attributeValuesTruncated/, 'the two long values: one warning');
  assert.deepEqual(pageErrors, []);
  await page.close();
});
