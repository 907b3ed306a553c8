// A flush of many queued spans keeps WASM memory small: the pipeline hands records to the core
// a batch at a time and takes each finished request out into JS at once, so linear memory
// (which never shrinks) holds a batch or two, not every span queued (js/export/batch_pipeline.ts).
// The benchmark's S1 shape: 10,000 spans with a queue large enough to hold them all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, sdkWarnings, useTestPage } from './harness.mjs';

const SPANS = 10000;
const env = useTestPage();

test(`a flush of ${SPANS.toLocaleString('en')} queued spans leaves WASM memory under 1 MiB, every span delivered`, async () => {
  await env.receiver.reset();
  const { page, consoleMessages, pageErrors } = await openPage(env.browser, env.site.url);
  const stats = await page.evaluate(
    async ([endpoint, n]) => {
      const telemetry = await window.__gwt.initTelemetry({
        endpoint,
        serviceName: 'flush-memory',
        compression: 'none',
        batch: { maxQueueSize: 20000, maxExportBatchSize: 512, scheduledDelayMillis: 3600000 },
      });
      const before = telemetry.stats().wasmMemoryBytes;
      for (let i = 0; i < n; i++) {
        const span = telemetry.tracer.startSpan('GET /api/items');
        span.setAttribute('http.route', '/api/items');
        span.setAttribute('user.tier', 'gold');
        span.setAttribute('http.response.status_code', 200);
        span.setAttribute('cache.ratio', 0.75);
        span.setAttribute('cache.hit', true);
        if (i % 10 === 0) span.addEvent('checkpoint');
        span.end();
      }
      await telemetry.forceFlush();
      return { ...telemetry.stats(), before };
    },
    [env.receiver.url, SPANS],
  );
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(sdkWarnings(consoleMessages), []);
  assert.equal(stats.spansExported, SPANS);
  // The receiver may still be storing the last answered request's rows.
  assert.equal((await env.receiver.waitFor('traces', SPANS, 10000)).count, SPANS);
  assert.equal(new Set((await env.receiver.spans()).map((s) => s.span_id)).size, SPANS, 'each span once');
  const mib = (b) => (b / 1048576).toFixed(2);
  assert.ok(stats.wasmMemoryBytes <= 1048576, `WASM memory ${mib(stats.wasmMemoryBytes)} MiB after the flush (${mib(stats.before)} before recording)`);
});
