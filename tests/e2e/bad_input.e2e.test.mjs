// Bad input from the app must never throw, never lose the good data next to it, and be
// explained by one console warning per kind (counted in stats()). Checked in Chromium against
// the receiver's independent decode.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, serveStatic, openPage, sdkWarnings, useTestPage } from './harness.mjs';

const env = useTestPage();

test('bad configurations give a no-op SDK and one clear warning, never a throw', async () => {
  const { page, consoleMessages, pageErrors } = await openPage(env.browser, env.site.url);
  const outcomes = await page.evaluate(async (endpoint) => {
    const { initTelemetry } = window.__gwt;
    const cases = {
      missing: undefined,
      notObject: 'http://localhost:4000',
      noEndpoint: { serviceName: 'x' },
      endpointNotString: { endpoint: 4000 },
      notUrl: { endpoint: 'localhost:4000' },
      disabled: { endpoint, enabled: false },
    };
    const out = {};
    for (const [name, config] of Object.entries(cases)) {
      const before = performance.now();
      const t = await initTelemetry(config);
      // Every call still works on the no-op handle, and startActiveSpan still runs the app's code.
      const span = t.tracer.startSpan('x', { attributes: { a: 1 } });
      span.setAttribute('b', 2).addEvent('e').setStatus({ code: 2 }).end();
      const ran = t.tracer.startActiveSpan('y', (s) => (s.isRecording() ? 'recording' : 'ran'));
      await t.forceFlush();
      await t.shutdown();
      out[name] = { enabled: t.enabled, ran, ms: performance.now() - before };
    }
    return out;
  }, env.receiver.url);
  assert.deepEqual(pageErrors, []);
  for (const [name, o] of Object.entries(outcomes)) {
    assert.equal(o.enabled, false, name);
    assert.equal(o.ran, 'ran', name);
  }
  const warnings = sdkWarnings(consoleMessages);
  const expect = [
    /initTelemetry needs a configuration object, got undefined/,
    /initTelemetry needs a configuration object, got a string/,
    /no `endpoint` configured/,
    /`endpoint` must be a string such as `http:\/\/localhost:4000`, got number/,
    /`endpoint` "localhost:4000" is not an http\(s\) URL: use GreptimeDB's HTTP address such as `http:\/\/localhost:4000`/,
  ];
  assert.equal(warnings.length, expect.length, warnings.join('\n'));
  expect.forEach((re, i) => assert.match(warnings[i], re));
  const spans = await env.receiver.spans();
  assert.equal(spans.length, 0);
  await page.close();
});

test('unknown keys and wrong types in the configuration are reported in one warning', async () => {
  const { page, consoleMessages } = await openPage(env.browser, env.site.url);
  const enabled = await page.evaluate(async (endpoint) => {
    const t = await window.__gwt.initTelemetry({
      endpoint,
      serviceNmae: 'typo',
      database: 42,
      batch: { maxQueueSize: 'lots', scheduledDelayMillis: -5 },
      headers: { Authorization: 'Basic eDp5' },
      resourceAttributes: { ok: 'yes', bad: { nested: true }, fn: () => 1 },
      // Checked by the browser signals' chunk, still in the one warning at startup.
      rum: { sesion: true },
    });
    const enabled = t.enabled;
    await t.shutdown();
    return enabled;
  }, env.receiver.url);
  assert.equal(enabled, true, 'soft problems do not disable telemetry');
  const warnings = sdkWarnings(consoleMessages);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  for (const part of [
    'unknown configuration key `serviceNmae` ignored (did you mean `serviceName`?)',
    '`database` must be a number, got number'.replace('a number, got number', 'a string, got number; ignored'),
    '`batch.maxQueueSize` must be a number, got string; using 2048',
    '`batch.scheduledDelayMillis` must be a whole number from 0 to 3600000, got -5; using 5000',
    'header `Authorization` is sent as `x-greptime-auth`',
    '`resourceAttributes.bad`: object is not an attribute value',
    '`resourceAttributes.fn`: function is not an attribute value',
    '`serviceName` is not set',
    'unknown configuration key `rum.sesion` ignored (did you mean `rum.session`?)',
  ]) {
    assert.ok(warnings[0].includes(part), `missing ${JSON.stringify(part)} in ${warnings[0]}`);
  }
  await page.close();
});

test('bad attribute values are dropped or clamped, the rest of the span arrives intact', async () => {
  await env.receiver.reset();
  const { page, consoleMessages, pageErrors } = await openPage(env.browser, env.site.url);
  const result = await page.evaluate(async (endpoint) => {
    const t = await window.__gwt.initTelemetry({ endpoint, serviceName: 'bad-input', spanLimits: { attributeCountLimit: 20, eventCountLimit: 2 } });
    const cyclic = { name: 'c' };
    cyclic.self = cyclic;
    const huge = 'x'.repeat(1024 * 1024);
    const span = t.tracer.startSpan('span with bad input');
    const threw = [];
    const attempt = (label, fn) => {
      try {
        fn();
      } catch (e) {
        threw.push(`${label}: ${e}`);
      }
    };
    attempt('object', () => span.setAttribute('bad.object', { a: 1 }));
    attempt('cyclic', () => span.setAttribute('bad.cyclic', cyclic));
    attempt('nan', () => span.setAttribute('bad.nan', NaN));
    attempt('infinity', () => span.setAttribute('bad.infinity', -Infinity));
    attempt('function', () => span.setAttribute('bad.function', () => 1));
    attempt('symbol', () => span.setAttribute('bad.symbol', Symbol('s')));
    attempt('bigint', () => span.setAttribute('bad.bigint', 10n));
    attempt('null', () => span.setAttribute('bad.null', null));
    attempt('mixed', () => span.setAttribute('bad.mixed', [1, 'a']));
    attempt('nested', () => span.setAttribute('bad.nested', [[1]]));
    attempt('key', () => span.setAttribute(42, 'v'));
    attempt('attrs', () => span.setAttributes('not an object'));
    attempt('proxy', () => span.setAttributes(new Proxy({}, { ownKeys() { throw new Error('trap'); } })));
    attempt('huge', () => span.setAttribute('huge', huge));
    attempt('huge array', () => span.setAttribute('huge.array', new Array(5000).fill(1)));
    attempt('status', () => span.setStatus({ code: 'bad' }));
    attempt('status null', () => span.setStatus(null));
    attempt('event', () => span.addEvent(undefined, { ok: 1 }));
    attempt('exception', () => span.recordException({ get message() { throw new Error('getter'); } }));
    attempt('event over limit', () => span.addEvent('third'));
    attempt('link', () => span.addLink({ context: { traceId: 'nope', spanId: 'x' } }));
    attempt('good', () => span.setAttributes({ 'good.string': 'kept', 'good.int': 7 }));
    attempt('end', () => span.end());
    attempt('after end', () => span.setAttribute('late', 1));
    attempt('end twice', () => span.end());
    attempt('bad name', () => t.tracer.startSpan(null).end());
    attempt('bad kind', () => t.tracer.startSpan('k', { kind: 99, startTime: 'yesterday' }).end());
    await t.forceFlush();
    return { threw, stats: t.stats() };
  }, env.receiver.url);
  assert.deepEqual(result.threw, [], 'nothing throws into the app');
  assert.deepEqual(pageErrors, []);

  const spans = await env.receiver.spans();
  assert.deepEqual(spans.map((s) => s.name).sort(), ['k', 'span with bad input', 'unnamed']);
  const span = spans.find((s) => s.name === 'span with bad input');
  assert.deepEqual(Object.keys(span.attributes).sort(), ['good.int', 'good.string', 'huge', 'huge.array']);
  assert.deepEqual(span.attributes['good.string'], { type: 'string', value: 'kept' });
  assert.equal(span.attributes.huge.value.length, 8192, 'clamped to spanLimits.attributeValueLengthLimit');
  assert.equal(span.attributes['huge.array'].value.length, 1024, 'arrays are cut to 1024 entries');
  assert.deepEqual(span.events.map((e) => e.name), ['unnamed', 'exception']);
  assert.deepEqual(span.events[0].attributes, { ok: { type: 'int', value: 1 } });
  assert.deepEqual(span.events[1].attributes, { 'exception.message': { type: 'string', value: 'an object' } });
  assert.equal(span.dropped_events_count, 1);
  assert.equal(span.status.code, 'STATUS_CODE_UNSET');
  assert.equal(spans.find((s) => s.name === 'k').kind, 'SPAN_KIND_INTERNAL');

  const s = result.stats;
  assert.equal(s.invalidAttributes, 11);
  assert.equal(s.attributeValuesTruncated, 2);
  assert.equal(s.eventsOverLimit, 1);
  assert.equal(s.callsAfterEnd, 2);
  assert.ok(s.invalidArguments >= 6, JSON.stringify(s));
  // One warning per kind, however many times each happened.
  const warnings = sdkWarnings(consoleMessages);
  const kinds = ['invalidAttributes', 'attributeValuesTruncated', 'eventsOverLimit', 'callsAfterEnd', 'invalidArguments'];
  assert.equal(warnings.length, kinds.length, warnings.join('\n'));
  for (const k of kinds) assert.equal(warnings.filter((w) => w.includes(`stats().${k}`)).length, 1, k);
  assert.ok(warnings.some((w) => /attribute "bad.object" dropped: an object is not an attribute value/.test(w)));
  await page.close();
});

test('an unreachable endpoint costs one warning and nothing else', async () => {
  const { page, consoleMessages, pageErrors } = await openPage(env.browser, env.site.url);
  const stats = await page.evaluate(async () => {
    // One attempt and no offline store: this test is about the warning (retries have their own tests).
    const t = await window.__gwt.initTelemetry({ endpoint: 'http://127.0.0.1:9', serviceName: 'down', batch: { exportTimeoutMillis: 2000 }, retry: { maxAttempts: 1 }, offline: false });
    for (let i = 0; i < 3; i++) {
      t.tracer.startSpan(`s${i}`).end();
      await t.forceFlush();
    }
    return t.stats();
  });
  assert.deepEqual(pageErrors, []);
  assert.equal(stats.spansFailedExport, 3);
  const warnings = sdkWarnings(consoleMessages);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /could not reach http:\/\/127\.0\.0\.1:9 .*is GreptimeDB running/);
  await page.close();
});

test('a page whose Content-Security-Policy forbids WebAssembly gets a no-op SDK and one warning', async () => {
  // No 'wasm-unsafe-eval' in script-src: the browser refuses to compile the core.
  const strict = await serveStatic(join(ROOT, 'tests/e2e/page/dist'), 0, { 'content-security-policy': "script-src 'self'" });
  try {
    const { page, consoleMessages, pageErrors } = await openPage(env.browser, strict.url);
    const result = await page.evaluate(async (endpoint) => {
      const t = await window.__gwt.initTelemetry({ endpoint, serviceName: 'csp' });
      const ran = t.tracer.startActiveSpan('still runs', () => 'ran');
      return { enabled: t.enabled, ran };
    }, env.receiver.url);
    assert.deepEqual(result, { enabled: false, ran: 'ran' });
    assert.deepEqual(pageErrors, []);
    const warnings = sdkWarnings(consoleMessages);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /telemetry disabled: .*WebAssembly/);
    await page.close();
  } finally {
    await strict.close();
  }
});
