// End to end in headless Chromium: a page loads the packed npm package, records nested spans
// with every attribute type, an event, an exception and a link, flushes, and the receiver's
// independent decode (official opentelemetry-proto Python package) must show exactly that.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, sdkWarnings, useTestPage } from './harness.mjs';

// e2e_db exists as if created with `CREATE DATABASE e2e_db`: GreptimeDB refuses writes to any other.
const env = useTestPage(['--auth', 'browser:s3cret', '--databases', 'e2e_db']);

test('nested spans with every attribute type arrive exactly as recorded', async () => {
  await env.receiver.reset();
  const { page, consoleMessages, pageErrors } = await openPage(env.browser, env.site.url);
  const result = await page.evaluate(async (endpoint) => {
    const { initTelemetry, SpanKind, SpanStatusCode } = window.__gwt;
    const telemetry = await initTelemetry({
      endpoint,
      database: 'e2e_db',
      username: 'browser',
      password: 's3cret',
      serviceName: 'e2e-web',
      serviceVersion: '1.2.3',
      resourceAttributes: { 'deployment.environment.name': 'test', 'app.build': 42 },
      batch: { scheduledDelayMillis: 60000 },
    });
    const tracer = telemetry.getTracer('e2e-scope', '0.1.0');
    const before = Date.now();

    const root = tracer.startSpan('root operation', {
      kind: SpanKind.SERVER,
      attributes: {
        'attr.string': 'hello',
        'attr.unicode': 'héllo wörld 🌍',
        'attr.int': 42,
        'attr.negative': -7,
        'attr.big': 9007199254740991,
        'attr.double': 3.25,
        'attr.true': true,
        'attr.false': false,
        'attr.strings': ['a', 'b', null],
        'attr.ints': [1, 2, 3],
        'attr.doubles': [1.5, 2],
        'attr.bools': [true, false],
        'attr.empty': [],
      },
    });
    root.setAttribute('attr.set_later', 'x');
    root.setAttribute('attr.string', 'overwritten');

    const childResult = await tracer.startActiveSpan('child', { parent: root, kind: SpanKind.CLIENT }, async (child) => {
      child.addEvent('cache miss', { 'cache.key': 'user:1', 'cache.size': 12 });
      const grandchild = tracer.startSpan('grandchild'); // parent: the active span
      grandchild.end();
      await new Promise((r) => setTimeout(r, 20));
      return 'child done';
    });

    let thrown;
    try {
      tracer.startActiveSpan('failing', { parent: root }, () => {
        throw new TypeError('bad input');
      });
    } catch (e) {
      thrown = e;
    }

    const timed = tracer.startSpan('timed', { parent: root, startTime: 1700000000000, attributes: { 'attr.int': 1 } });
    timed.addEvent('at fixed time', 1700000000250.5);
    timed.end(1700000000500);

    const linked = tracer.startSpan('linked', { root: true, links: [{ context: root.spanContext(), attributes: { 'link.reason': 'follows' } }] });
    linked.setStatus({ code: SpanStatusCode.OK, message: 'dropped for OK' });
    linked.setStatus({ code: SpanStatusCode.ERROR, message: 'ignored: OK is final' });
    linked.updateName('linked renamed');
    linked.end();

    root.setStatus({ code: SpanStatusCode.ERROR, message: 'root failed' });
    root.end();
    const after = Date.now();
    await telemetry.forceFlush();
    const ids = (s) => s.spanContext();
    return {
      before,
      after,
      childResult,
      thrownIsOriginal: thrown instanceof TypeError && thrown.message === 'bad input',
      root: ids(root),
      linked: ids(linked),
      timed: ids(timed),
      stats: telemetry.stats(),
      userAgent: navigator.userAgent,
    };
  }, env.receiver.url);

  assert.equal(result.childResult, 'child done');
  assert.ok(result.thrownIsOriginal, 'startActiveSpan re-throws the original error');
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(sdkWarnings(consoleMessages), [], 'a correct setup prints no warning');

  const spans = await env.receiver.spans();
  assert.equal(spans.length, 6, JSON.stringify(spans.map((s) => s.name)));
  const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
  const root = byName['root operation'];
  const child = byName.child;
  const grandchild = byName.grandchild;

  // Ids and nesting: one trace for everything under root, a new trace for the linked span.
  assert.match(root.trace_id, /^[0-9a-f]{32}$/);
  assert.match(root.span_id, /^[0-9a-f]{16}$/);
  assert.equal(root.trace_id, result.root.traceId);
  assert.equal(root.span_id, result.root.spanId);
  assert.equal(root.parent_span_id, '');
  for (const name of ['child', 'failing', 'timed']) {
    assert.equal(byName[name].trace_id, root.trace_id, name);
    assert.equal(byName[name].parent_span_id, root.span_id, name);
  }
  assert.equal(grandchild.trace_id, root.trace_id);
  assert.equal(grandchild.parent_span_id, child.span_id, 'the active span is the default parent');
  assert.equal(byName['linked renamed'].span_id, result.linked.spanId);
  assert.notEqual(byName['linked renamed'].trace_id, root.trace_id);
  assert.equal(new Set(spans.map((s) => s.span_id)).size, 6, 'span ids are unique');

  // Kinds, statuses, scope, resource.
  assert.equal(root.kind, 'SPAN_KIND_SERVER');
  assert.equal(child.kind, 'SPAN_KIND_CLIENT');
  assert.equal(grandchild.kind, 'SPAN_KIND_INTERNAL');
  assert.deepEqual(root.status, { code: 'STATUS_CODE_ERROR', message: 'root failed' });
  assert.deepEqual(byName['linked renamed'].status, { code: 'STATUS_CODE_OK', message: '' });
  assert.equal(child.status.code, 'STATUS_CODE_UNSET');
  assert.deepEqual(root.scope.name, 'e2e-scope');
  assert.deepEqual(root.scope.version, '0.1.0');
  assert.equal(root.service_name, 'e2e-web');
  const resource = root.resource.attributes;
  assert.deepEqual(resource['service.name'], { type: 'string', value: 'e2e-web' });
  assert.deepEqual(resource['service.version'], { type: 'string', value: '1.2.3' });
  assert.deepEqual(resource['telemetry.sdk.name'], { type: 'string', value: 'greptime-web-telemetry' });
  assert.deepEqual(resource['telemetry.sdk.language'], { type: 'string', value: 'webjs' });
  assert.deepEqual(resource['user_agent.original'], { type: 'string', value: result.userAgent });
  assert.deepEqual(resource['page.url'], { type: 'string', value: `${env.site.url}/` });
  assert.deepEqual(resource['deployment.environment.name'], { type: 'string', value: 'test' });
  assert.deepEqual(resource['app.build'], { type: 'int', value: 42 });

  // Every attribute type, exactly.
  const arr = (type, values) => ({ type: 'array', value: values.map((v) => (v === null ? { type: 'empty', value: null } : { type, value: v })) });
  const a = root.attributes;
  assert.deepEqual(a['attr.string'], { type: 'string', value: 'overwritten' });
  assert.deepEqual(a['attr.unicode'], { type: 'string', value: 'héllo wörld 🌍' });
  assert.deepEqual(a['attr.int'], { type: 'int', value: 42 });
  assert.deepEqual(a['attr.negative'], { type: 'int', value: -7 });
  assert.deepEqual(a['attr.big'], { type: 'int', value: 9007199254740991 });
  assert.deepEqual(a['attr.double'], { type: 'double', value: 3.25 });
  assert.deepEqual(a['attr.true'], { type: 'bool', value: true });
  assert.deepEqual(a['attr.false'], { type: 'bool', value: false });
  assert.deepEqual(a['attr.ints'], arr('int', [1, 2, 3]));
  assert.deepEqual(a['attr.doubles'], arr('double', [1.5, 2]));
  assert.deepEqual(a['attr.bools'], arr('bool', [true, false]));
  assert.deepEqual(a['attr.empty'], arr('string', []));
  assert.deepEqual(a['attr.set_later'], { type: 'string', value: 'x' });
  assert.equal(a['attr.strings'].type, 'array');
  assert.deepEqual(a['attr.strings'].value.slice(0, 2), [{ type: 'string', value: 'a' }, { type: 'string', value: 'b' }]);
  assert.equal(a['attr.strings'].value.length, 3, 'null entries are kept as empty values');
  assert.equal(Object.keys(a).length, 14);

  // Event, exception, link.
  assert.equal(child.events.length, 1);
  assert.equal(child.events[0].name, 'cache miss');
  assert.deepEqual(child.events[0].attributes, { 'cache.key': { type: 'string', value: 'user:1' }, 'cache.size': { type: 'int', value: 12 } });
  const failing = byName.failing;
  assert.deepEqual(failing.status, { code: 'STATUS_CODE_ERROR', message: 'bad input' });
  assert.equal(failing.events[0].name, 'exception');
  assert.deepEqual(failing.events[0].attributes['exception.type'], { type: 'string', value: 'TypeError' });
  assert.deepEqual(failing.events[0].attributes['exception.message'], { type: 'string', value: 'bad input' });
  assert.match(failing.events[0].attributes['exception.stacktrace'].value, /bad input/);
  const link = byName['linked renamed'].links[0];
  assert.equal(link.trace_id, root.trace_id);
  assert.equal(link.span_id, root.span_id);
  assert.deepEqual(link.attributes, { 'link.reason': { type: 'string', value: 'follows' } });

  // Timestamps: explicit times exactly; clock times inside the test's window, end ≥ start.
  const timed = byName.timed;
  assert.equal(timed.start_time_unix_nano, '1700000000000000000');
  assert.equal(timed.end_time_unix_nano, '1700000000500000000');
  assert.equal(timed.events[0].time_unix_nano, '1700000000250500000');
  for (const s of spans.filter((x) => x.name !== 'timed')) {
    const start = BigInt(s.start_time_unix_nano);
    const end = BigInt(s.end_time_unix_nano);
    assert.ok(start >= BigInt(result.before - 5) * 1000000n && end <= BigInt(result.after + 5) * 1000000n, `${s.name} within the test window`);
    assert.ok(end >= start, `${s.name} ends after it starts`);
  }
  assert.ok(BigInt(child.end_time_unix_nano) - BigInt(child.start_time_unix_nano) >= 19000000n, 'the async child lasted its 20 ms');

  // Headers and transport: what GreptimeDB needs, and nothing it would refuse in a browser.
  const requests = (await env.receiver.requests()).filter((r) => r.signal === 'traces');
  assert.equal(requests.length, 1, 'one batch for 6 spans');
  const req = requests[0];
  assert.equal(req.status, 200);
  assert.equal(req.database, 'e2e_db');
  assert.equal(req.headers['content-type'], 'application/x-protobuf');
  assert.equal(req.headers['x-greptime-db-name'], 'e2e_db');
  assert.equal(req.headers['x-greptime-pipeline-name'], 'greptime_trace_v1');
  assert.equal(req.headers['x-greptime-auth'], `Basic ${Buffer.from('browser:s3cret').toString('base64')}`);
  assert.equal(req.headers.authorization, undefined);
  assert.equal(req.headers.cookie, undefined);

  assert.equal(result.stats.spansStarted, 6);
  assert.equal(result.stats.spansEnded, 6);
  assert.equal(result.stats.spansExported, 6);
  assert.equal(result.stats.spansQueued, 0);
  assert.equal(result.stats.spanExportRequests, 1);
  await page.close();
});

test('batches follow maxExportBatchSize and the scheduled delay exports without a flush', async () => {
  await env.receiver.reset();
  const { page } = await openPage(env.browser, env.site.url);
  await page.evaluate(async (endpoint) => {
    const telemetry = await window.__gwt.initTelemetry({
      endpoint,
      username: 'browser',
      password: 's3cret',
      serviceName: 'batching',
      batch: { maxExportBatchSize: 10, scheduledDelayMillis: 200 },
    });
    for (let i = 0; i < 25; i++) telemetry.tracer.startSpan(`span ${i}`).end();
    window.__telemetry = telemetry;
  }, env.receiver.url);
  // 20 spans go at once as two full batches; the last 5 wait for the 200 ms schedule.
  const waited = await env.receiver.waitFor('traces', 25, 5000);
  assert.equal(waited.timed_out, false);
  const requests = (await env.receiver.requests()).filter((r) => r.signal === 'traces');
  assert.deepEqual(requests.map((r) => r.span_count), [10, 10, 5]);
  const names = (await env.receiver.spans()).map((s) => s.name);
  assert.deepEqual(names, Array.from({ length: 25 }, (_, i) => `span ${i}`));
  await page.close();
});

test('wrong credentials: the 401 is reported once in the console and counted, the app is unaffected', async () => {
  await env.receiver.reset();
  const { page, consoleMessages, pageErrors } = await openPage(env.browser, env.site.url);
  const stats = await page.evaluate(async (endpoint) => {
    const telemetry = await window.__gwt.initTelemetry({ endpoint, username: 'browser', password: 'wrong', serviceName: 'auth-test' });
    telemetry.tracer.startSpan('a').end();
    await telemetry.forceFlush();
    telemetry.tracer.startSpan('b').end();
    await telemetry.forceFlush();
    return telemetry.stats();
  }, env.receiver.url);
  assert.deepEqual(pageErrors, []);
  assert.equal(stats.spansFailedExport, 2);
  assert.equal(stats.spansExported, 0);
  const warnings = sdkWarnings(consoleMessages);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /HTTP 401: Username and password does not match, username: browser/);
  await page.close();
});

test('leaving the page flushes what is queued (pagehide, keepalive fetch across origins)', async () => {
  await env.receiver.reset();
  const { page, pageErrors } = await openPage(env.browser, env.site.url);
  await page.evaluate(async (endpoint) => {
    const telemetry = await window.__gwt.initTelemetry({
      endpoint,
      username: 'browser',
      password: 's3cret',
      serviceName: 'unload',
      batch: { scheduledDelayMillis: 600000 },
    });
    for (let i = 0; i < 20; i++) telemetry.tracer.startSpan(`before unload ${i}`, { attributes: { i } }).end();
  }, env.receiver.url);
  await page.goto('about:blank');
  const waited = await env.receiver.waitFor('traces', 20, 5000);
  assert.equal(waited.timed_out, false, 'spans arrived after the page was left');
  const spans = await env.receiver.spans();
  assert.deepEqual(spans.map((s) => s.name), Array.from({ length: 20 }, (_, i) => `before unload ${i}`));
  assert.deepEqual(pageErrors, []);
  await page.close();
});
