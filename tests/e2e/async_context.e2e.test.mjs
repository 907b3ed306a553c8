// Context after `await` and clocks, in Chromium, judged by the receiver: fetch client spans and
// the `traceparent` the page's own /api route receives belong to the async span that made them;
// two overlapping user actions never adopt each other's work; `context.with` is honoured by
// instrumented fetch; span times stay on the wall clock with a stale time origin and across a
// (faked) machine sleep. The page is bundled here from tests/e2e/page/async_context.src.js with
// the tarball build-page.mjs installed, and served with a tiny same-origin /api. The browser
// signals are off (`rum: false`): their page-load spans are not what these tests count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, useBundledPage } from './harness.mjs';

const env = useBundledPage(join(ROOT, 'tests/e2e/page/async_context.src.js'), {
  define: { 'process.env.NODE_ENV': '"production"' },
  bodyHtml: '<div id="root"></div>',
});

async function openPage(initScript) {
  const page = await env.browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  if (initScript) await page.addInitScript(initScript);
  await page.goto(env.site);
  await page.waitForFunction(() => window.__gwt !== undefined, null, { timeout: 10000 });
  return { page, errors };
}

async function waitForSpans(min) {
  await env.receiver.waitFor('traces', min, 10000);
  return env.receiver.spans();
}

const traceparentOf = (query) => env.seen.find((s) => s.query === query)?.traceparent;

test('async startActiveSpan: after an await, fetch and startSpan are its children; traceparent carries its trace', async () => {
  await env.receiver.reset();
  env.seen.length = 0;
  const { page, errors } = await openPage();
  const ids = await page.evaluate(async (endpoint) => {
    const telemetry = await window.__gwt.initTelemetry({ endpoint, serviceName: 'async-context', instrumentFetch: true, rum: false });
    const tracer = telemetry.tracer;
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    let ctx;
    await tracer.startActiveSpan('checkout', async (span) => {
      ctx = span.spanContext();
      await sleep(10);
      tracer.startSpan('leaf').end();
      await fetch('/api?checkout');
      span.end();
    });
    await telemetry.forceFlush();
    return ctx;
  }, env.receiver.url);
  assert.deepEqual(errors, []);
  const spans = await waitForSpans(3);
  const checkout = spans.find((s) => s.name === 'checkout');
  const leaf = spans.find((s) => s.name === 'leaf');
  const client = spans.find((s) => s.kind === 'SPAN_KIND_CLIENT');
  assert.equal(checkout.span_id, ids.spanId);
  for (const child of [leaf, client]) {
    assert.equal(child.trace_id, checkout.trace_id, `${child.name}: checkout's trace`);
    assert.equal(child.parent_span_id, checkout.span_id, `${child.name}: a child of checkout`);
  }
  assert.equal(traceparentOf('checkout'), `00-${checkout.trace_id}-${client.span_id}-01`, 'the server saw checkout’s trace');
  await page.close();
});

test('two overlapping tracedUserActions: each a root of its own trace, never each other’s parent; context.with is honoured', async () => {
  await env.receiver.reset();
  env.seen.length = 0;
  const { page, errors } = await openPage();
  const result = await page.evaluate(async (endpoint) => {
    const gwt = window.__gwt;
    const telemetry = await gwt.initTelemetry({ endpoint, serviceName: 'async-context', instrumentFetch: true, instrumentXhr: true, rum: false });
    await window.__mountProvider(telemetry);
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const a = window.__tracedUserAction('action-A', async () => {
      await sleep(30);
      await fetch('/api?a');
    });
    const b = window.__tracedUserAction('action-B', async () => {
      await sleep(200);
      await fetch('/api?b');
    });
    await Promise.all([a, b]);
    // The explicit way works even while another action is pending.
    const tracer = telemetry.tracer;
    let explicitParent;
    const c = tracer.startActiveSpan('action-C', { root: true }, async (span) => {
      explicitParent = span;
      await sleep(20);
      await gwt.context.with(span, () => fetch('/api?explicit'));
      await gwt.context.with(span, () => new Promise((resolve) => {
        const xhr = new XMLHttpRequest();
        xhr.open('GET', '/api?explicit-xhr');
        xhr.onloadend = resolve;
        xhr.send();
      }));
    });
    const d = tracer.startActiveSpan('action-D', { root: true }, () => sleep(60));
    await Promise.all([c, d]);
    await telemetry.forceFlush();
    return { stats: telemetry.stats(), explicit: explicitParent.spanContext() };
  }, env.receiver.url);
  assert.deepEqual(errors, []);
  const spans = await waitForSpans(8);
  const byName = (n) => spans.find((s) => s.name === n);
  const A = byName('action-A');
  const B = byName('action-B');
  assert.equal(A.parent_span_id, '', 'action-A is a root');
  assert.equal(B.parent_span_id, '', 'action-B is a root, not A’s child');
  assert.notEqual(A.trace_id, B.trace_id);
  const clientFor = (query) => {
    const spanId = traceparentOf(query)?.split('-')[2];
    return spans.find((s) => s.kind === 'SPAN_KIND_CLIENT' && s.span_id === spanId);
  };
  const fetchA = clientFor('a');
  const fetchB = clientFor('b');
  assert.ok(fetchA && fetchB, 'both requests were traced and their traceparent reached the server');
  // A's request ran while both actions were pending: it may not be attached to B.
  assert.notEqual(fetchA.trace_id, B.trace_id, 'A’s request is not in B’s trace');
  assert.equal(fetchA.parent_span_id, '', 'unknowable after an await with two actions pending: a new trace');
  assert.equal(fetchB.trace_id, B.trace_id, 'B’s request (A settled by then) is in B’s trace');
  assert.equal(fetchB.parent_span_id, B.span_id);
  assert.match(traceparentOf('b'), new RegExp(`^00-${B.trace_id}-`));
  const explicit = clientFor('explicit');
  assert.equal(explicit.parent_span_id, result.explicit.spanId, 'context.with(span, fetch) makes the request its child');
  assert.equal(explicit.trace_id, result.explicit.traceId);
  const explicitXhr = clientFor('explicit-xhr');
  assert.equal(explicitXhr.parent_span_id, result.explicit.spanId, 'and so is an XMLHttpRequest sent there');
  assert.equal(result.stats.ambiguousParents, 1, 'the one unknowable case is counted');
  await page.close();
});

test('clock: span times follow the wall clock with a stale time origin and after a sleep; durations stay monotonic', async () => {
  await env.receiver.reset();
  // The tab's time origin is an hour stale (a long-lived tab, a machine that slept).
  const { page, errors } = await openPage(() => {
    Object.defineProperty(performance, 'timeOrigin', { value: performance.timeOrigin - 3_600_000, configurable: true });
  });
  const times = await page.evaluate(async (endpoint) => {
    const telemetry = await window.__gwt.initTelemetry({ endpoint, serviceName: 'clock', rum: false });
    const tracer = telemetry.tracer;
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const freshAt = Date.now();
    tracer.startSpan('fresh').end();
    const across = tracer.startSpan('across sleep');
    const t0 = performance.now();
    // The machine sleeps a minute: the wall clock moves on, the monotonic clock does not.
    const realDateNow = Date.now;
    Date.now = () => realDateNow() + 60_000;
    await sleep(1100);
    const afterAt = Date.now();
    tracer.startSpan('after sleep').end();
    across.end();
    const monotonicMs = performance.now() - t0;
    await telemetry.forceFlush();
    return { freshAt, afterAt, monotonicMs };
  }, env.receiver.url);
  assert.deepEqual(errors, []);
  const spans = await waitForSpans(3);
  const ms = (s, field) => Number(BigInt(s[field]) / 1000n) / 1000;
  const byName = (n) => spans.find((s) => s.name === n);
  const fresh = ms(byName('fresh'), 'start_time_unix_nano');
  assert.ok(Math.abs(fresh - times.freshAt) < 2000, `a stale time origin: start ${fresh - times.freshAt} ms off the wall clock`);
  const after = ms(byName('after sleep'), 'start_time_unix_nano');
  assert.ok(Math.abs(after - times.afterAt) < 2000, `after a sleep: start ${after - times.afterAt} ms off the wall clock`);
  const across = byName('across sleep');
  const duration = ms(across, 'end_time_unix_nano') - ms(across, 'start_time_unix_nano');
  assert.ok(duration >= 0 && Math.abs(duration - times.monotonicMs) < 50, `duration ${duration} ms = monotonic ${times.monotonicMs} ms`);
  await page.close();
});

test('numbers: one type per span attribute key; a fraction on a key GreptimeDB types Int64 is dropped, not its span', async () => {
  await env.receiver.reset();
  const { page, errors } = await openPage();
  const stats = await page.evaluate(async (endpoint) => {
    const telemetry = await window.__gwt.initTelemetry({ endpoint, serviceName: 'numbers', rum: false });
    const tracer = telemetry.tracer;
    // One batch: the key flips 0.7 → 0 → 3; a status code with a fraction (from bad arithmetic).
    tracer.startSpan('n1', { attributes: { 'cart.ratio': 0.7, 'cart.items': 2 } }).end();
    tracer.startSpan('n2', { attributes: { 'cart.ratio': 0, 'cart.items': 3 } }).end();
    tracer.startSpan('n3', { attributes: { 'http.response.status_code': 200.5, 'cart.ratio': 3 } }).end();
    await telemetry.forceFlush();
    // A later batch: the key stays a double.
    tracer.startSpan('n4', { attributes: { 'cart.ratio': 1 } }).end();
    await telemetry.forceFlush();
    return telemetry.stats();
  }, env.receiver.url);
  assert.deepEqual(errors, []);
  const spans = await waitForSpans(4);
  const byName = (n) => spans.find((s) => s.name === n);
  assert.deepEqual(spans.map((s) => s.name).sort(), ['n1', 'n2', 'n3', 'n4'], 'no span rejected');
  assert.equal(stats.spansRejectedByServer, 0);
  for (const [name, value] of [['n1', 0.7], ['n2', 0], ['n3', 3], ['n4', 1]]) {
    assert.deepEqual(byName(name).attributes['cart.ratio'], { type: 'double', value }, `${name}: cart.ratio stays a double`);
  }
  assert.deepEqual(byName('n2').attributes['cart.items'], { type: 'int', value: 3 }, 'whole numbers of other keys stay ints');
  assert.equal(byName('n3').attributes['http.response.status_code'], undefined, 'the fraction is dropped');
  assert.equal(stats.invalidAttributes, 1, 'and counted');
  const columns = await (await fetch(`${env.receiver.url}/_receiver/columns`)).json();
  assert.equal(columns['public.opentelemetry_traces']['span_attributes.cart.ratio'], 'Float64');
  assert.equal(columns['public.opentelemetry_traces']['span_attributes.cart.items'], 'Int64');
  await page.close();
});
