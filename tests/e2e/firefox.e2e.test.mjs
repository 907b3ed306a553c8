// The end-to-end tests that matter, in Firefox ESR (Debian's /usr/bin/firefox-esr, puppeteer-core
// over WebDriver BiDi), against the receiver's independent decode: all three signals; error and
// console capture; retries (a 503 storm, a 429 with Retry-After); offline then online, offline
// then a new page load, and the backend down across a real reload. One Firefox for the whole
// file. Page unload in Firefox (tab close, navigation) is in unload.e2e.test.mjs.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, launchFirefox, openPage, sdkWarnings, serveStatic, startReceiver, statsWhen } from './harness.mjs';
import { AUTH, checkAllSignals, recordAllSignals } from './signals_scenario.mjs';

// e2e_db exists, as after CREATE DATABASE: GreptimeDB (and the receiver) refuse databases that do not.
const RECEIVER_ARGS = ['--auth', `${AUTH.username}:${AUTH.password}`, '--expose-headers', 'retry-after', '--databases', 'e2e_db'];
const env = {};

before(async () => {
  env.receiver = await startReceiver(RECEIVER_ARGS);
  env.site = await serveStatic(join(ROOT, 'tests/e2e/page/dist'));
  const launched = Date.now();
  env.browser = await launchFirefox();
  console.log(`[firefox] launched in ${Date.now() - launched} ms`);
});
after(async () => {
  await env.browser?.close();
  await env.site?.close();
  await env.receiver?.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const makeSpans = (prefix, n) => `for (let i = 0; i < ${n}; i++) window.__t.tracer.startSpan('${prefix} ' + i).end();`;
const stats = (page) => page.evaluate(() => window.__t.stats());

/** Opens the test page and inits telemetry as `service` (with the receiver's credentials). */
async function initPage(service, config = {}) {
  const opened = await openPage(env.browser, env.site.url);
  await opened.page.evaluate(async (cfg) => {
    window.__t = await window.__gwt.initTelemetry(cfg);
  }, { endpoint: env.receiver.url, ...AUTH, serviceName: service, ...config });
  return opened;
}

/** Spans of `service` the receiver has decoded, once at least `min` arrived (or the time is up). */
async function waitForSpans(service, min, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const spans = (await env.receiver.spans()).filter((s) => s.service_name === service);
    if (spans.length >= min || Date.now() > deadline) return spans;
    await sleep(100);
  }
}

function report(name, created, spans, s) {
  console.log(`[firefox] ${name}: created ${created}, received ${spans.length} (${new Set(spans.map((x) => x.span_id)).size} distinct); retries ${s.exportRetries}, kept offline ${s.itemsPersistedOffline}, restored ${s.itemsRestoredFromOffline}`);
}

function assertEachOnce(spans, names) {
  assert.equal(new Set(spans.map((s) => s.span_id)).size, spans.length, 'nothing twice');
  assert.deepEqual(spans.map((s) => s.name).sort(), [...names].sort());
}
const names = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix} ${i}`);

test('Firefox: all three signals arrive exactly as recorded, with GreptimeDB headers', async () => {
  await env.receiver.reset();
  const { page, consoleMessages, pageErrors } = await openPage(env.browser, env.site.url);
  const result = await recordAllSignals(page, env.receiver.url);
  assert.match(result.userAgent, /Firefox\//);
  await checkAllSignals(env.receiver, result, env.site.url);
  assert.deepEqual(pageErrors, []);
  const warnings = sdkWarnings(consoleMessages);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /"agent\.tool_calls": measurement -1 dropped/);
  await page.close();
});

test('Firefox: uncaught errors, rejections and console calls become logs; the page’s handlers still run', async () => {
  await env.receiver.reset();
  const { page, consoleMessages, pageErrors } = await openPage(env.browser, env.site.url);
  const seen = await page.evaluate(async (cfg) => {
    const seen = { onerror: 0, rejection: 0 };
    window.onerror = () => void seen.onerror++;
    window.addEventListener('unhandledrejection', () => seen.rejection++);
    const telemetry = await window.__gwt.initTelemetry(cfg);
    setTimeout(() => {
      throw new TypeError('uncaught boom');
    });
    Promise.reject(new RangeError('rejected boom'));
    console.warn('disk almost full', { free: 12 }, 3);
    console.error(new Error('console error'));
    await new Promise((r) => setTimeout(r, 100));
    await telemetry.forceFlush();
    return seen;
  }, { endpoint: env.receiver.url, ...AUTH, serviceName: 'ff-capture', captureErrors: true, captureConsole: ['warn', 'error'] });
  assert.deepEqual(seen, { onerror: 1, rejection: 1 }, 'the page’s handlers ran');
  assert.ok(consoleMessages.some((m) => m.text.includes('disk almost full')), 'the console still prints');
  assert.equal(pageErrors.length, 2, `the browser still reports both as it would without us: ${pageErrors}`);
  const logs = (await env.receiver.logs()).filter((l) => l.service_name === 'ff-capture');
  const bySource = (key, value) => logs.filter((l) => l.attributes[key]?.value === value);
  assert.equal(logs.length, 4, JSON.stringify(logs.map((l) => l.body.value)));
  const [uncaught] = bySource('log.source', 'uncaught-error');
  assert.deepEqual([uncaught.body.value, uncaught.severity_text, uncaught.attributes['exception.type'].value], ['Uncaught TypeError: uncaught boom', 'ERROR', 'TypeError']);
  assert.ok(uncaught.attributes['exception.stacktrace'].value.length > 0);
  assert.equal(bySource('log.source', 'unhandled-rejection')[0].body.value, 'Unhandled promise rejection: RangeError: rejected boom');
  const [warn] = bySource('console.method', 'warn');
  assert.deepEqual([warn.severity_number, warn.body.value], [13, 'disk almost full {free: 12} 3']);
  const [error] = bySource('console.method', 'error');
  assert.equal(error.severity_number, 17);
  assert.match(error.body.value, /^Error: console error\n\S/, 'the error line, then Firefox’s stack frames');
  await page.close();
});

test('Firefox: a 503 storm is retried, then kept offline, and every span arrives once (gzipped)', async () => {
  await env.receiver.reset();
  await env.receiver.faults({ statuses: new Array(8).fill(503), signal: 'traces' });
  const service = 'ff-storm';
  const { page } = await initPage(service, { batch: { scheduledDelayMillis: 60000, maxExportBatchSize: 50 }, retry: { initialBackoffMillis: 100, maxBackoffMillis: 500 } });
  await page.evaluate(makeSpans('storm', 50));
  await page.evaluate(() => window.__t.forceFlush()); // 6 × 503: kept offline
  await page.evaluate(makeSpans('after', 50));
  await page.evaluate(() => window.__t.forceFlush()); // 2 × 503, then 200, and the kept batch follows
  const spans = await waitForSpans(service, 100);
  const s = await statsWhen(page, (x) => x.itemsRestoredFromOffline >= 50);
  report('503 storm (8 × 503)', 100, spans, s);
  assertEachOnce(spans, [...names('storm', 50), ...names('after', 50)]);
  assert.equal(s.exportRetries, 7);
  assert.equal(s.itemsPersistedOffline, 50);
  assert.equal(s.itemsRestoredFromOffline, 50);
  const requests = (await env.receiver.requests()).filter((r) => r.signal === 'traces');
  assert.deepEqual(requests.map((r) => r.status), [...new Array(8).fill(503), 200, 200]);
  assert.ok(requests.every((r) => r.headers['content-encoding'] === 'gzip'), 'CompressionStream gzips 50-span bodies');
  await page.close();
});

test('Firefox: a 429 with Retry-After waits the server’s 2 s, then everything arrives once', async () => {
  await env.receiver.reset();
  await env.receiver.faults({ statuses: [429], retry_after: '2', signal: 'traces' });
  const service = 'ff-429';
  const { page } = await initPage(service, { batch: { scheduledDelayMillis: 60000 } });
  await page.evaluate(makeSpans('throttled', 10));
  await page.evaluate(() => window.__t.forceFlush());
  const requests = (await env.receiver.requests()).filter((r) => r.signal === 'traces');
  const spans = await waitForSpans(service, 10);
  const s = await stats(page);
  report('429 with Retry-After: 2', 10, spans, s);
  assert.deepEqual(requests.map((r) => r.status), [429, 200]);
  const waited = requests[1].received_at_ms - requests[0].received_at_ms;
  console.log(`[firefox] 429 with Retry-After: 2: the retry came ${waited} ms after the 429`);
  assert.ok(waited >= 1900 && waited < 4000, `Retry-After read across origins: waited ${waited} ms`);
  assertEachOnce(spans, names('throttled', 10));
  assert.equal(s.exportRetries, 1);
  await page.close();
});

test('Firefox: offline (BiDi network emulation), then online; then offline and a new page load: each span once', async () => {
  await env.receiver.reset();
  const service = 'ff-offline';
  let { page, pageErrors } = await initPage(service, { batch: { scheduledDelayMillis: 60000 } });
  await page.setOfflineMode(true); // emulation.setNetworkConditions: navigator.onLine false, `offline` fires
  assert.equal(await page.evaluate(() => navigator.onLine), false);
  await page.evaluate(makeSpans('offline', 20));
  await page.evaluate(() => window.__t.forceFlush());
  let s = await stats(page);
  assert.equal(s.itemsPersistedOffline, 20);
  assert.equal((await waitForSpans(service, 1, 300)).length, 0);
  await page.setOfflineMode(false); // the `online` event drains the store
  let spans = await waitForSpans(service, 20);
  s = await statsWhen(page, (x) => x.itemsRestoredFromOffline >= 20);
  report('offline then online', 20, spans, s);
  assertEachOnce(spans, names('offline', 20));
  assert.equal(s.itemsRestoredFromOffline, 20);
  assert.deepEqual(pageErrors, []);

  // Offline again; the page goes away before the connection comes back; the next load sends it.
  await page.setOfflineMode(true);
  await page.evaluate(makeSpans('before reload', 15));
  await page.evaluate(() => window.__t.forceFlush());
  assert.equal((await stats(page)).itemsPersistedOffline, 35);
  await page.close();
  ({ page } = await initPage(service, { batch: { scheduledDelayMillis: 60000 } }));
  spans = await waitForSpans(service, 35);
  await sleep(300); // anything sent twice would arrive now
  spans = await waitForSpans(service, 35);
  s = await stats(page);
  report('offline, new page load, online', 35, spans, s);
  assertEachOnce(spans, [...names('offline', 20), ...names('before reload', 15)]);
  assert.equal(s.itemsRestoredFromOffline, 15);
  await page.close();
});

test('Firefox: backend down, page reloaded, backend back: what the first load kept arrives once', async () => {
  await env.receiver.reset();
  const service = 'ff-down-reload';
  const config = { batch: { scheduledDelayMillis: 60000 }, retry: { maxAttempts: 2, initialBackoffMillis: 100, maxBackoffMillis: 500 } };
  const { page, pageErrors } = await initPage(service, config);
  const port = env.receiver.port;
  await env.receiver.stop(); // a dead port: connections refused
  await page.evaluate(makeSpans('down', 15));
  await page.evaluate(() => window.__t.forceFlush());
  const first = await stats(page);
  assert.equal(first.exportRetries, 1);
  assert.equal(first.itemsPersistedOffline, 15);
  assert.deepEqual(pageErrors, [], 'refused requests raise nothing into the page');

  await page.reload();
  await page.waitForFunction(() => window.__gwt !== undefined, { timeout: 10000 });
  await page.evaluate(async (cfg) => {
    window.__t = await window.__gwt.initTelemetry(cfg);
  }, { endpoint: env.receiver.url, ...AUTH, serviceName: service, ...config });
  await sleep(300); // the new load tries the store against the dead port: still kept
  env.receiver = await startReceiver(RECEIVER_ARGS, { port });
  await page.evaluate(makeSpans('recovered', 1));
  await page.evaluate(() => window.__t.forceFlush()); // an accepted export drains the store
  let spans = await waitForSpans(service, 16);
  await sleep(300);
  spans = await waitForSpans(service, 16);
  const s = await stats(page);
  report('backend down, reload, back', 16, spans, s);
  assertEachOnce(spans, [...names('down', 15), 'recovered 0']);
  assert.equal(s.itemsRestoredFromOffline, 15);
  await page.close();
});
