// One page records all three signals (nested spans with every attribute type, an event, an
// exception, a link, explicit times; every metric instrument kind over two collections; logs
// inside a span), and `checkAllSignals` compares what the receiver decoded (official
// opentelemetry-proto package) with it exactly. Browser-agnostic: it needs only
// `page.evaluate(fn, arg)`, so Playwright's Chromium and puppeteer's Firefox run the same scenario.
// The receiver must run with `--auth browser:s3cret`.

import assert from 'node:assert/strict';

export const AUTH = { username: 'browser', password: 's3cret' };
export const SERVICE = 'all-signals';

/** In the page: records everything, flushes twice (two metric collections); returns ids and stats. */
export function recordAllSignals(page, endpoint) {
  return page.evaluate(async ({ endpoint, auth, service }) => {
    const { initTelemetry, SpanKind, SpanStatusCode, SeverityNumber } = window.__gwt;
    const telemetry = await initTelemetry({
      endpoint,
      ...auth,
      database: 'e2e_db',
      serviceName: service,
      serviceVersion: '1.2.3',
      resourceAttributes: { 'deployment.environment.name': 'test', 'app.build': 42 },
      logTable: 'web_logs',
      batch: { scheduledDelayMillis: 60000 },
      metrics: { exportIntervalMillis: 600000 },
    });
    const tracer = telemetry.getTracer('e2e-scope', '0.1.0');
    const meter = telemetry.getMeter('workbench', '2.0.0');
    const logger = telemetry.getLogger('agent', '1.0.0');
    const before = Date.now();

    const root = tracer.startSpan('root operation', {
      kind: SpanKind.SERVER,
      attributes: {
        'attr.string': 'hello', 'attr.unicode': 'héllo wörld 🌍', 'attr.int': 42, 'attr.negative': -7,
        'attr.big': 9007199254740991, 'attr.double': 3.25, 'attr.true': true, 'attr.false': false,
        'attr.ints': [1, 2, 3], 'attr.doubles': [1.5, 2], 'attr.bools': [true, false], 'attr.strings': ['a', 'b'],
      },
    });
    root.setAttribute('attr.string', 'overwritten');
    const logCtx = await tracer.startActiveSpan('child', { parent: root, kind: SpanKind.CLIENT }, async (child) => {
      child.addEvent('cache miss', { 'cache.key': 'user:1', 'cache.size': 12 });
      tracer.startSpan('grandchild').end(); // parent: the active span
      logger.emit({ severityText: 'WARN', body: 'slow tool', attributes: { 'tool.name': 'search', details: { ms: 1234 } } });
      await new Promise((r) => setTimeout(r, 20));
      return child.spanContext();
    });
    let thrown;
    try {
      tracer.startActiveSpan('failing', { parent: root }, () => {
        throw new TypeError('bad input');
      });
    } catch (e) {
      thrown = e;
    }
    const timed = tracer.startSpan('timed', { parent: root, startTime: 1700000000000 });
    timed.addEvent('at fixed time', 1700000000250.5);
    timed.end(1700000000500);
    const linked = tracer.startSpan('linked', { root: true, links: [{ context: root.spanContext(), attributes: { 'link.reason': 'follows' } }] });
    linked.setStatus({ code: SpanStatusCode.OK });
    linked.end();
    root.setStatus({ code: SpanStatusCode.ERROR, message: 'root failed' });
    root.end();
    logger.emit({ severityNumber: SeverityNumber.ERROR, body: { error: 'boom', code: 7 }, timestamp: 1700000000000, eventName: 'agent.failure' });

    const calls = meter.createCounter('agent.tool_calls', { description: 'Tool calls', unit: '{call}' });
    calls.add(1, { tool: 'search', status: 'ok' });
    calls.add(1, { status: 'ok', tool: 'search' }); // other order, same series
    calls.add(1, { tool: 'fetch', status: 'ok' });
    calls.add(-1, { tool: 'search', status: 'ok' }); // invalid for a counter: dropped, warned
    const live = meter.createUpDownCounter('ui.elements.live');
    live.add(5);
    live.add(-2);
    const duration = meter.createHistogram('tool.duration', { unit: 'ms', advice: { explicitBucketBoundaries: [10, 100] } });
    for (const v of [5, 10, 50, 500]) duration.record(v, { tool: 'search' });
    const memory = meter.createGauge('memory.used', { unit: 'By' });
    memory.record(42);
    memory.record(43);
    let views = 100;
    meter.createObservableCounter('page.views').addCallback((r) => r.observe(views));
    meter.createObservableUpDownCounter('tabs.open').addCallback((r) => r.observe(-2));
    meter.createObservableGauge('queue.depth').addCallback((r) => r.observe(7, { queue: 'uploads' }));
    await telemetry.forceFlush();
    calls.add(3, { tool: 'search', status: 'ok' });
    views = 130;
    await telemetry.forceFlush();
    const after = Date.now();
    return {
      before, after, logCtx,
      thrownIsOriginal: thrown instanceof TypeError && thrown.message === 'bad input',
      root: root.spanContext(),
      stats: telemetry.stats(),
      userAgent: navigator.userAgent,
    };
  }, { endpoint, auth: AUTH, service: SERVICE });
}

const str = (value) => ({ type: 'string', value });
const arr = (type, values) => ({ type: 'array', value: values.map((value) => ({ type, value })) });

/** Checks what `receiver` decoded from `recordAllSignals` (its `result`), served from `siteUrl`. */
export async function checkAllSignals(receiver, result, siteUrl) {
  assert.ok(result.thrownIsOriginal, 'startActiveSpan re-throws the original error');
  const ours = (r) => (r.services ?? []).includes(SERVICE);
  const requests = (await receiver.requests()).filter(ours);
  const bySignal = (signal) => requests.filter((r) => r.signal === signal);
  assert.equal(bySignal('traces').length, 1, 'one batch for 6 spans');
  assert.equal(bySignal('metrics').length, 2, 'one request per collection');
  assert.equal(bySignal('logs').length, 1);
  const auth = `Basic ${Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64')}`;
  for (const r of requests) {
    assert.equal(r.status, 200, `${r.signal}: ${JSON.stringify(r)}`);
    assert.equal(r.headers['content-type'], 'application/x-protobuf');
    assert.equal(r.headers['x-greptime-db-name'], 'e2e_db');
    assert.equal(r.headers['x-greptime-auth'], auth);
    assert.equal(r.headers.authorization, undefined);
    assert.equal(r.headers['x-greptime-pipeline-name'], r.signal === 'traces' ? 'greptime_trace_v1' : undefined, r.signal);
  }
  assert.equal(bySignal('logs')[0].headers['x-greptime-log-table-name'], 'web_logs');

  // Spans: names, ids, nesting, kinds, statuses, attributes, event, exception, link, times.
  const spans = (await receiver.spans()).filter((s) => s.service_name === SERVICE);
  assert.deepEqual(spans.map((s) => s.name).sort(), ['child', 'failing', 'grandchild', 'linked', 'root operation', 'timed']);
  const by = Object.fromEntries(spans.map((s) => [s.name, s]));
  const root = by['root operation'];
  assert.deepEqual([root.trace_id, root.span_id, root.parent_span_id], [result.root.traceId, result.root.spanId, '']);
  for (const name of ['child', 'failing', 'timed']) assert.deepEqual([by[name].trace_id, by[name].parent_span_id], [root.trace_id, root.span_id], name);
  assert.deepEqual([by.grandchild.trace_id, by.grandchild.parent_span_id], [root.trace_id, by.child.span_id], 'the active span is the default parent');
  assert.notEqual(by.linked.trace_id, root.trace_id);
  assert.equal(new Set(spans.map((s) => s.span_id)).size, 6);
  assert.deepEqual([root.kind, by.child.kind, by.grandchild.kind], ['SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_INTERNAL']);
  assert.deepEqual(root.status, { code: 'STATUS_CODE_ERROR', message: 'root failed' });
  assert.deepEqual(by.linked.status, { code: 'STATUS_CODE_OK', message: '' });
  assert.deepEqual([root.scope.name, root.scope.version], ['e2e-scope', '0.1.0']);
  const resource = root.resource.attributes;
  assert.deepEqual(resource['service.version'], str('1.2.3'));
  assert.deepEqual(resource['user_agent.original'], str(result.userAgent));
  assert.deepEqual(resource['page.url'], str(`${siteUrl}/`));
  assert.deepEqual(resource['app.build'], { type: 'int', value: 42 });
  assert.deepEqual(root.attributes, {
    'attr.string': str('overwritten'), 'attr.unicode': str('héllo wörld 🌍'), 'attr.int': { type: 'int', value: 42 },
    'attr.negative': { type: 'int', value: -7 }, 'attr.big': { type: 'int', value: 9007199254740991 },
    'attr.double': { type: 'double', value: 3.25 }, 'attr.true': { type: 'bool', value: true }, 'attr.false': { type: 'bool', value: false },
    'attr.ints': arr('int', [1, 2, 3]), 'attr.doubles': arr('double', [1.5, 2]), 'attr.bools': arr('bool', [true, false]), 'attr.strings': arr('string', ['a', 'b']),
  });
  assert.deepEqual(by.child.events.map((e) => [e.name, e.attributes]), [['cache miss', { 'cache.key': str('user:1'), 'cache.size': { type: 'int', value: 12 } }]]);
  const exception = by.failing.events[0];
  assert.deepEqual(by.failing.status, { code: 'STATUS_CODE_ERROR', message: 'bad input' });
  assert.deepEqual([exception.name, exception.attributes['exception.type'], exception.attributes['exception.message']], ['exception', str('TypeError'), str('bad input')]);
  // Error.stack as the browser writes it: V8 starts with "TypeError: bad input", Firefox lists
  // only the frames; both name the function that ran the throwing callback.
  assert.match(exception.attributes['exception.stacktrace'].value, /startActiveSpan/);
  const link = by.linked.links[0];
  assert.deepEqual([link.trace_id, link.span_id, link.attributes], [root.trace_id, root.span_id, { 'link.reason': str('follows') }]);
  assert.deepEqual([by.timed.start_time_unix_nano, by.timed.end_time_unix_nano, by.timed.events[0].time_unix_nano], ['1700000000000000000', '1700000000500000000', '1700000000250500000']);
  for (const s of spans.filter((x) => x.name !== 'timed')) {
    const [start, end] = [BigInt(s.start_time_unix_nano), BigInt(s.end_time_unix_nano)];
    assert.ok(start >= BigInt(result.before - 5) * 1000000n && end <= BigInt(result.after + 5) * 1000000n && end >= start, `${s.name}: times within the test`);
  }
  assert.ok(BigInt(by.child.end_time_unix_nano) - BigInt(by.child.start_time_unix_nano) >= 19000000n, 'the async child lasted its 20 ms');

  // Metrics: every instrument kind, exact values and buckets, cumulative over two collections.
  const [first, second] = bySignal('metrics').map((r) => r.seq);
  const points = (await receiver.metrics()).filter((p) => p.service_name === SERVICE);
  const pick = (seq, name, attrs = {}) => {
    const found = points.filter((p) => p.request_seq === seq && p.name === name && JSON.stringify(p.attributes) === JSON.stringify(attrs));
    assert.equal(found.length, 1, `${name} ${JSON.stringify(attrs)} once in request ${seq}`);
    return found[0];
  };
  const search = { status: str('ok'), tool: str('search') };
  const c1 = pick(first, 'agent.tool_calls', search);
  assert.deepEqual([c1.type, c1.is_monotonic, c1.aggregation_temporality, c1.value, c1.unit, c1.description], ['sum', true, 'AGGREGATION_TEMPORALITY_CUMULATIVE', 2, '{call}', 'Tool calls']);
  assert.deepEqual([c1.scope.name, c1.scope.version], ['workbench', '2.0.0']);
  assert.equal(pick(first, 'agent.tool_calls', { status: str('ok'), tool: str('fetch') }).value, 1);
  assert.equal(points.filter((p) => p.request_seq === first && p.name === 'agent.tool_calls').length, 2, 'attribute order made no series');
  const live = pick(first, 'ui.elements.live');
  assert.deepEqual([live.type, live.is_monotonic, live.value], ['sum', false, 3]);
  const hist = pick(first, 'tool.duration', { tool: str('search') });
  assert.deepEqual([hist.type, hist.explicit_bounds, hist.bucket_counts, hist.count, hist.sum, hist.min, hist.max], ['histogram', [10, 100], [2, 1, 1], 4, 565, 5, 500]);
  const memory = pick(first, 'memory.used');
  assert.deepEqual([memory.type, memory.value, memory.unit], ['gauge', 43, 'By']);
  const views = pick(first, 'page.views');
  assert.deepEqual([views.type, views.is_monotonic, views.value], ['sum', true, 100]);
  const tabs = pick(first, 'tabs.open');
  assert.deepEqual([tabs.type, tabs.is_monotonic, tabs.value], ['sum', false, -2]);
  assert.deepEqual([pick(first, 'queue.depth', { queue: str('uploads') }).type, pick(first, 'queue.depth', { queue: str('uploads') }).value], ['gauge', 7]);
  const c2 = pick(second, 'agent.tool_calls', search);
  assert.equal(c2.value, 5);
  assert.equal(c2.start_time_unix_nano, c1.start_time_unix_nano, 'cumulative: same start');
  assert.ok(BigInt(c2.time_unix_nano) > BigInt(c1.time_unix_nano));
  assert.equal(pick(second, 'page.views').value, 130);
  assert.equal(pick(second, 'tool.duration', { tool: str('search') }).count, 4);

  // Logs: structured, and correlated with the span they were written in.
  const logs = (await receiver.logs()).filter((l) => l.service_name === SERVICE);
  assert.equal(logs.length, 2);
  const [warn, error] = logs;
  assert.deepEqual([warn.severity_number, warn.severity_text, warn.body], [13, 'WARN', str('slow tool')]);
  assert.deepEqual(warn.attributes, { 'tool.name': str('search'), details: { type: 'kvlist', value: { ms: { type: 'int', value: 1234 } } } });
  assert.deepEqual([warn.trace_id, warn.span_id, warn.flags], [result.logCtx.traceId, result.logCtx.spanId, 1]);
  assert.equal(warn.span_id, by.child.span_id, 'the log joins its span');
  assert.deepEqual([warn.scope.name, warn.scope.version], ['agent', '1.0.0']);
  assert.deepEqual([error.severity_number, error.severity_text, error.time_unix_nano, error.event_name, error.trace_id], [17, 'ERROR', '1700000000000000000', 'agent.failure', '']);
  assert.deepEqual(error.body, { type: 'kvlist', value: { error: str('boom'), code: { type: 'int', value: 7 } } });

  const s = result.stats;
  assert.deepEqual([s.spansStarted, s.spansExported, s.spanExportRequests, s.logsExported, s.metricExportRequests, s.invalidMeasurements], [6, 6, 1, 2, 2, 1]);
}
