// Metrics and logs end to end in headless Chromium: every instrument kind, both temporalities,
// logs inside a span, error and console capture; the receiver's independent decode (official
// opentelemetry-proto package) must show the exact points, buckets and correlation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, sdkWarnings, useTestPage } from './harness.mjs';

const env = useTestPage();

const point = (points, name, attrs = {}) =>
  points.filter((p) => p.name === name && JSON.stringify(p.attributes) === JSON.stringify(attrs));
const str = (value) => ({ type: 'string', value });

test('every instrument kind arrives with exact points, cumulative across collections', async () => {
  await env.receiver.reset();
  const { page, consoleMessages, pageErrors } = await openPage(env.browser, env.site.url);
  const result = await page.evaluate(async (endpoint) => {
    const telemetry = await window.__gwt.initTelemetry({ endpoint, serviceName: 'metrics-e2e', metrics: { exportIntervalMillis: 600000 } });
    const meter = telemetry.getMeter('workbench', '2.0.0');
    const calls = meter.createCounter('agent.tool_calls', { description: 'Tool calls', unit: '{call}' });
    calls.add(1, { tool: 'search', status: 'ok' });
    calls.add(1, { status: 'ok', tool: 'search' }); // other order, same series
    calls.add(1, { tool: 'fetch', status: 'ok' });
    calls.add(-1, { tool: 'search', status: 'ok' }); // invalid for a counter: dropped
    calls.add(NaN);
    const live = meter.createUpDownCounter('ui.elements.live');
    live.add(5);
    live.add(-2);
    const duration = meter.createHistogram('tool.duration', { unit: 'ms', advice: { explicitBucketBoundaries: [10, 100] } });
    for (const v of [5, 10, 50, 500]) duration.record(v, { tool: 'search' });
    const defaults = meter.createHistogram('render.duration', { unit: 'ms' });
    defaults.record(3);
    const memory = meter.createGauge('memory.used', { unit: 'By' });
    memory.record(42);
    memory.record(43);
    let views = 100;
    meter.createObservableCounter('page.views').addCallback((r) => r.observe(views));
    meter.createObservableGauge('queue.depth').addCallback((r) => r.observe(7, { queue: 'uploads' }));
    meter.createObservableGauge('broken.callback').addCallback(() => {
      throw new Error('callback bug');
    });
    const invalid = meter.createCounter('9 bad name');
    invalid.add(1);
    await telemetry.forceFlush();
    calls.add(3, { tool: 'search', status: 'ok' });
    views = 130;
    await telemetry.forceFlush();
    return telemetry.stats();
  }, env.receiver.url);
  assert.deepEqual(pageErrors, []);
  const warnings = sdkWarnings(consoleMessages);
  assert.ok(warnings.some((w) => w.includes('instrument name "9 bad name" is invalid')), warnings.join('\n'));
  assert.ok(warnings.some((w) => w.includes('"agent.tool_calls": measurement -1 dropped')), warnings.join('\n'));
  assert.ok(warnings.some((w) => w.includes('"broken.callback": observable callback failed: Error: callback bug')), warnings.join('\n'));
  assert.equal(result.invalidMeasurements, 2);
  assert.equal(result.callbackErrors, 2, 'the failing callback ran at both collections');
  assert.equal(result.metricExportRequests, 2);

  const requests = (await env.receiver.requests()).filter((r) => r.signal === 'metrics');
  assert.equal(requests.length, 2);
  assert.equal(requests[0].status, 200);
  assert.equal(requests[0].headers['x-greptime-db-name'], 'public');
  assert.equal(requests[0].headers['x-greptime-pipeline-name'], undefined, 'no trace pipeline header on metrics');

  const all = await env.receiver.metrics();
  const first = all.filter((p) => p.request_seq === requests[0].seq);
  const second = all.filter((p) => p.request_seq === requests[1].seq);

  const [search1] = point(first, 'agent.tool_calls', { status: str('ok'), tool: str('search') });
  assert.equal(search1.type, 'sum');
  assert.equal(search1.is_monotonic, true);
  assert.equal(search1.aggregation_temporality, 'AGGREGATION_TEMPORALITY_CUMULATIVE');
  assert.equal(search1.value, 2);
  assert.equal(search1.unit, '{call}');
  assert.equal(search1.description, 'Tool calls');
  assert.equal(search1.scope.name, 'workbench');
  assert.equal(search1.scope.version, '2.0.0');
  assert.equal(search1.service_name, 'metrics-e2e');
  assert.equal(point(first, 'agent.tool_calls', { status: str('ok'), tool: str('fetch') })[0].value, 1);
  assert.equal(first.filter((p) => p.name === 'agent.tool_calls').length, 2, 'attribute order did not create a series');

  const [live] = point(first, 'ui.elements.live');
  assert.deepEqual([live.type, live.is_monotonic, live.value], ['sum', false, 3]);

  const [hist] = point(first, 'tool.duration', { tool: str('search') });
  assert.equal(hist.type, 'histogram');
  assert.equal(hist.aggregation_temporality, 'AGGREGATION_TEMPORALITY_CUMULATIVE');
  assert.deepEqual(hist.explicit_bounds, [10, 100]);
  assert.deepEqual(hist.bucket_counts, [2, 1, 1], '5 and 10 ≤ 10, 50 ≤ 100, 500 above');
  assert.deepEqual([hist.count, hist.sum, hist.min, hist.max], [4, 565, 5, 500]);
  const [render] = point(first, 'render.duration');
  assert.deepEqual(render.explicit_bounds, [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000]);
  assert.equal(render.bucket_counts[1], 1);

  const [memory] = point(first, 'memory.used');
  assert.deepEqual([memory.type, memory.value, memory.unit], ['gauge', 43, 'By']);
  const [views1] = point(first, 'page.views');
  assert.deepEqual([views1.type, views1.is_monotonic, views1.value], ['sum', true, 100]);
  assert.equal(point(first, 'queue.depth', { queue: str('uploads') })[0].value, 7);
  assert.equal(first.filter((p) => p.name === 'broken.callback' || p.name === '9 bad name').length, 0);

  // Second collection: cumulative totals with the same start time.
  const [search2] = point(second, 'agent.tool_calls', { status: str('ok'), tool: str('search') });
  assert.equal(search2.value, 5);
  assert.equal(search2.start_time_unix_nano, search1.start_time_unix_nano);
  assert.ok(BigInt(search2.time_unix_nano) > BigInt(search1.time_unix_nano));
  assert.equal(point(second, 'page.views')[0].value, 130);
  assert.equal(point(second, 'tool.duration', { tool: str('search') })[0].count, 4);
  await page.close();
});

test('delta temporality reports what happened since the previous collection', async () => {
  await env.receiver.reset();
  const { page } = await openPage(env.browser, env.site.url);
  await page.evaluate(async (endpoint) => {
    const telemetry = await window.__gwt.initTelemetry({ endpoint, serviceName: 'delta', metrics: { temporality: 'delta', exportIntervalMillis: 600000 } });
    const c = telemetry.meter.createCounter('requests');
    const h = telemetry.meter.createHistogram('latency', { advice: { explicitBucketBoundaries: [1] } });
    c.add(2);
    h.record(0.5);
    await telemetry.forceFlush();
    c.add(5);
    await telemetry.forceFlush();
    await telemetry.forceFlush(); // nothing new: nothing sent
  }, env.receiver.url);
  const points = await env.receiver.metrics();
  const requests = await env.receiver.requests();
  assert.deepEqual(point(points, 'requests').map((p) => [p.value, p.aggregation_temporality]), [[2, 'AGGREGATION_TEMPORALITY_DELTA'], [5, 'AGGREGATION_TEMPORALITY_DELTA']]);
  const [a, b] = point(points, 'requests');
  assert.equal(b.start_time_unix_nano, a.time_unix_nano, 'each delta starts where the previous one ended');
  assert.equal(point(points, 'latency').length, 1, 'the histogram had nothing new the second time');
  // Counted for this page's service only: the previous test's page, closed just before, may
  // still be delivering its page-hide flush (keepalive requests outlive their page).
  const ours = requests.filter((r) => r.signal === 'metrics' && r.services?.includes('delta'));
  assert.equal(ours.length, 2, 'an empty collection sends no request');
  await page.close();
});

test('logs are batched, structured, and correlated with the active span', async () => {
  await env.receiver.reset();
  const { page, pageErrors } = await openPage(env.browser, env.site.url);
  const ids = await page.evaluate(async (endpoint) => {
    const { initTelemetry, SeverityNumber } = window.__gwt;
    const telemetry = await initTelemetry({ endpoint, serviceName: 'logs-e2e', logTable: 'web_logs' });
    const logger = telemetry.getLogger('agent', '1.0.0');
    const ctx = telemetry.tracer.startActiveSpan('tool call', (span) => {
      logger.emit({ severityText: 'WARN', body: 'slow tool', attributes: { 'tool.name': 'search', details: { ms: 1234, retries: [1, 2] } } });
      return span.spanContext();
    });
    logger.emit({ severityNumber: SeverityNumber.ERROR, body: { error: 'boom', code: 7 }, timestamp: 1700000000000, eventName: 'agent.failure' });
    logger.emit({ body: 'plain' });
    logger.emit('not a record');
    await telemetry.forceFlush();
    return { ctx, stats: telemetry.stats() };
  }, env.receiver.url);
  assert.deepEqual(pageErrors, []);
  const logs = await env.receiver.logs();
  assert.equal(logs.length, 3);
  const [warn, error, plain] = logs;
  assert.deepEqual([warn.severity_number, warn.severity_text], [13, 'WARN']);
  assert.deepEqual(warn.body, str('slow tool'));
  assert.deepEqual(warn.attributes['tool.name'], str('search'));
  assert.deepEqual(warn.attributes.details, {
    type: 'kvlist',
    value: { ms: { type: 'int', value: 1234 }, retries: { type: 'array', value: [{ type: 'int', value: 1 }, { type: 'int', value: 2 }] } },
  });
  assert.equal(warn.trace_id, ids.ctx.traceId, 'the log carries the active span’s trace id');
  assert.equal(warn.span_id, ids.ctx.spanId);
  assert.equal(warn.flags, 1);
  assert.deepEqual([warn.scope.name, warn.scope.version], ['agent', '1.0.0']);
  assert.deepEqual([error.severity_number, error.severity_text], [17, 'ERROR']);
  assert.deepEqual(error.body, { type: 'kvlist', value: { error: str('boom'), code: { type: 'int', value: 7 } } });
  assert.equal(error.time_unix_nano, '1700000000000000000');
  assert.equal(error.event_name, 'agent.failure');
  assert.equal(error.trace_id, '', 'outside a span: no trace id');
  assert.deepEqual([plain.severity_number, plain.severity_text], [0, '']);
  assert.ok(BigInt(plain.observed_time_unix_nano) > 0n);
  const [request] = (await env.receiver.requests()).filter((r) => r.signal === 'logs');
  assert.equal(request.headers['x-greptime-log-table-name'], 'web_logs');
  assert.equal(request.log_count, 3);
  assert.equal(ids.stats.logsExported, 3);
  assert.equal(ids.stats.logsEmitted, 3);
  await page.close();
});

test('captured errors, rejections and console calls become logs; the page’s own handlers still run', async () => {
  await env.receiver.reset();
  const { page, consoleMessages, pageErrors } = await openPage(env.browser, env.site.url);
  const seen = await page.evaluate(async (endpoint) => {
    const seen = { onerror: 0, rejection: 0 };
    window.onerror = () => {
      seen.onerror++;
    };
    window.addEventListener('unhandledrejection', () => seen.rejection++);
    const telemetry = await window.__gwt.initTelemetry({ endpoint, serviceName: 'capture', captureErrors: true, captureConsole: ['warn', 'error'] });
    setTimeout(() => {
      throw new TypeError('uncaught boom');
    });
    Promise.reject(new RangeError('rejected boom'));
    console.warn('disk almost full', { free: 12 }, 3);
    console.error(new Error('console error'));
    console.log('not captured');
    await new Promise((r) => setTimeout(r, 100));
    await telemetry.forceFlush();
    await telemetry.shutdown();
    console.warn('after shutdown: not captured');
    return seen;
  }, env.receiver.url);
  assert.deepEqual(seen, { onerror: 1, rejection: 1 }, 'the page’s handlers ran');
  assert.equal(pageErrors.length, 2, 'the browser still reports both as it would without us');
  assert.ok(consoleMessages.some((m) => m.text.includes('disk almost full')), 'the console still prints');
  const logs = await env.receiver.logs();
  const bodies = logs.map((l) => l.body.value);
  assert.equal(logs.length, 4, JSON.stringify(bodies));
  const uncaught = logs.find((l) => l.attributes['log.source']?.value === 'uncaught-error');
  assert.equal(uncaught.body.value, 'Uncaught TypeError: uncaught boom');
  assert.equal(uncaught.severity_text, 'ERROR');
  assert.deepEqual(uncaught.attributes['exception.type'], str('TypeError'));
  assert.match(uncaught.attributes['exception.stacktrace'].value, /uncaught boom/);
  const rejection = logs.find((l) => l.attributes['log.source']?.value === 'unhandled-rejection');
  assert.equal(rejection.body.value, 'Unhandled promise rejection: RangeError: rejected boom');
  const warn = logs.find((l) => l.attributes['console.method']?.value === 'warn');
  assert.deepEqual([warn.severity_number, warn.body.value], [13, 'disk almost full {free: 12} 3']);
  const error = logs.find((l) => l.attributes['console.method']?.value === 'error');
  assert.equal(error.severity_number, 17);
  assert.match(error.body.value, /^Error: console error/);
  assert.deepEqual(error.attributes['exception.message'], str('console error'));
  await page.close();
});

test('selfMetrics: the SDK reports what became of its items as metrics', async () => {
  await env.receiver.reset();
  const { page } = await openPage(env.browser, env.site.url);
  await page.evaluate(async (endpoint) => {
    const t = await window.__gwt.initTelemetry({ endpoint, serviceName: 'self', selfMetrics: true, metrics: { exportIntervalMillis: 600000 } });
    for (let i = 0; i < 7; i++) t.tracer.startSpan('counted').end();
    await t.forceFlush(); // spans exported, then metrics collected
    await t.forceFlush(); // now the counters include that export
  }, env.receiver.url);
  const points = (await env.receiver.metrics()).filter((p) => p.name === 'greptime_web_telemetry.items');
  const exported = points.filter((p) => p.attributes.signal.value === 'traces' && p.attributes.outcome.value === 'exported');
  assert.equal(exported.at(-1).value, 7);
  assert.equal(exported.at(-1).is_monotonic, true);
  await page.close();
});
