// README promises that had no test: the export timeout (`batch.exportTimeoutMillis`), the
// `retries` self-metric (`selfMetrics`), and the 2048-item cap of `startTelemetry`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, sdkWarnings, useTestPage } from './harness.mjs';

const env = useTestPage();

test('a request without an answer within exportTimeoutMillis is aborted, counted, retried, then kept offline', { timeout: 30000 }, async () => {
  await env.receiver.reset();
  // The receiver holds each of these requests for 4 s (then answers 503): far past the timeout.
  await env.receiver.faults({ statuses: [503, 503], delay_ms: 4000, signal: 'traces' });
  const { page, consoleMessages } = await openPage(env.browser, env.site.url);
  const stats = await page.evaluate(async (endpoint) => {
    const t = await window.__gwt.initTelemetry({
      endpoint,
      serviceName: 'timeout',
      batch: { scheduledDelayMillis: 60000, exportTimeoutMillis: 400 },
      retry: { maxAttempts: 2, initialBackoffMillis: 100, maxBackoffMillis: 100 },
    });
    window.__t = t;
    for (let i = 0; i < 5; i++) t.tracer.startSpan(`held ${i}`).end();
    const started = performance.now();
    await t.forceFlush(); // two attempts, both aborted: kept offline
    return { ...t.stats(), flushMs: performance.now() - started };
  }, env.receiver.url);
  assert.ok(stats.flushMs >= 800 && stats.flushMs < 3000, `the flush took ${stats.flushMs} ms: two 400 ms timeouts, not the receiver's 4 s`);
  assert.equal(stats.exportRetries, 1);
  assert.equal(stats.itemsPersistedOffline, 5, 'kept offline after the last attempt');
  assert.equal(stats.spansFailedExport, 0);
  assert.equal(stats.spansExported, 0);

  // The store drains once the receiver answers in time; the held requests are logged once the
  // receiver has answered them (after their 4 s).
  await env.receiver.waitFor('traces', 5, 10000);
  let requests = [];
  for (const deadline = Date.now() + 10000; requests.length < 3 && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 250));
    requests = (await env.receiver.requests()).filter((r) => r.signal === 'traces').sort((a, b) => a.seq - b.seq);
  }
  assert.deepEqual(requests.map((r) => r.status), [503, 503, 200], 'two held (answered after the client gave up), then the drain');
  const gap = requests[1].received_at_ms - requests[0].received_at_ms;
  assert.ok(gap >= 400 && gap < 2500, `retried ${gap} ms after the first attempt (timeout 400 ms + backoff 100 ms)`);
  const spans = await env.receiver.spans();
  assert.deepEqual(spans.map((s) => s.name).sort(), ['held 0', 'held 1', 'held 2', 'held 3', 'held 4'], 'each once');
  assert.equal((await page.evaluate(() => window.__t.stats())).itemsRestoredFromOffline, 5);
  assert.deepEqual(sdkWarnings(consoleMessages), [], 'nothing was lost, so nothing to warn about');
  await page.close();

  // Without the offline store the batch is lost after the last attempt: counted, and one warning.
  await env.receiver.faults({ statuses: [503, 503], delay_ms: 4000, signal: 'traces' });
  const second = await openPage(env.browser, env.site.url);
  const lost = await second.page.evaluate(async (endpoint) => {
    const t = await window.__gwt.initTelemetry({
      endpoint,
      serviceName: 'timeout-lost',
      offline: false,
      batch: { scheduledDelayMillis: 60000, exportTimeoutMillis: 400 },
      retry: { maxAttempts: 2, initialBackoffMillis: 100, maxBackoffMillis: 100 },
    });
    for (let i = 0; i < 4; i++) t.tracer.startSpan(`lost ${i}`).end();
    await t.forceFlush();
    return t.stats();
  }, env.receiver.url);
  assert.deepEqual([lost.exportRetries, lost.spansFailedExport, lost.spansExported, lost.itemsPersistedOffline], [1, 4, 0, 0]);
  const warnings = sdkWarnings(second.consoleMessages);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /no answer within 400 ms \(batch\.exportTimeoutMillis\)/);
  await second.page.close();
});

test('selfMetrics: greptime_web_telemetry.retries counts the requests sent again', async () => {
  await env.receiver.reset();
  await env.receiver.faults({ statuses: [503, 502, 429], signal: 'traces' });
  const { page } = await openPage(env.browser, env.site.url);
  const stats = await page.evaluate(async (endpoint) => {
    const t = await window.__gwt.initTelemetry({
      endpoint,
      serviceName: 'self-retries',
      selfMetrics: true,
      metrics: { exportIntervalMillis: 600000 },
      retry: { initialBackoffMillis: 50, maxBackoffMillis: 100 },
    });
    for (let i = 0; i < 3; i++) t.tracer.startSpan('retried').end();
    await t.forceFlush(); // 503, 502, 429, then 200; then metrics collected
    await t.forceFlush(); // the counters now include that export
    return t.stats();
  }, env.receiver.url);
  assert.equal(stats.exportRetries, 3);
  const retries = (await env.receiver.metrics()).filter((p) => p.name === 'greptime_web_telemetry.retries');
  assert.equal(retries.length, 2, 'one point per collection');
  // The first collection ran alongside the export; the second saw all three retries.
  assert.deepEqual([retries[1].value, retries[1].is_monotonic, retries[1].unit, retries[1].attributes], [3, true, '{request}', {}]);
  assert.ok(retries[0].value <= 3);
  assert.equal((await env.receiver.spans()).length, 3);
  await page.close();
});

test('startTelemetry keeps 2048 spans, log records and measurements each while the core loads, and counts the rest', async () => {
  await env.receiver.reset();
  const { page, pageErrors, consoleMessages } = await openPage(env.browser, env.site.url);
  const stats = await page.evaluate(async (endpoint) => {
    const t = window.__gwt.startTelemetry({ endpoint, serviceName: 'early', batch: { scheduledDelayMillis: 60000 }, logBatch: { scheduledDelayMillis: 60000 }, metrics: { exportIntervalMillis: 600000 } });
    const counter = t.meter.createCounter('early.count');
    // Synchronously, before the core can have loaded: 2100 of each, 52 over the cap.
    for (let i = 0; i < 2100; i++) {
      t.tracer.startSpan(`early ${i}`).end();
      t.logger.emit({ body: `early ${i}` });
      counter.add(1);
    }
    const before = t.stats();
    await t.ready;
    await t.forceFlush();
    return { before, after: t.stats() };
  }, env.receiver.url);
  assert.equal(stats.before.spansExported, 0, 'recorded before the core was ready');
  assert.equal(stats.after.droppedBeforeReady, 3 * 52);
  assert.equal(stats.after.spansExported, 2048);
  assert.equal(stats.after.logsExported, 2048);
  const spans = await env.receiver.spans();
  assert.equal(new Set(spans.map((s) => s.name)).size, 2048);
  assert.ok(spans.some((s) => s.name === 'early 2047') && !spans.some((s) => s.name === 'early 2048'), 'the first 2048 are kept');
  assert.equal((await env.receiver.logs()).length, 2048);
  const counted = (await env.receiver.metrics()).filter((p) => p.name === 'early.count');
  assert.deepEqual(counted.map((p) => p.value), [2048]);
  assert.deepEqual(pageErrors, []);
  const warnings = sdkWarnings(consoleMessages);
  assert.equal(warnings.length, 1, `one warning for the drops:\n${warnings.join('\n')}`);
  assert.match(warnings[0], /dropped: 2048 of its kind already wait for the WASM core to load.*stats\(\)\.droppedBeforeReady/);
  await page.close();
});
