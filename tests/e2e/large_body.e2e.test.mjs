// Large uncompressed exports (over 64 KiB: the transport hands them to fetch as a Blob, see
// js/export/fetch_transport.ts) arrive intact in Chromium and Firefox ESR: one request, the
// protobuf content type, every span with its attribute as recorded, as the receiver decodes them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, launchNamedBrowser, openPage, sdkWarnings, serveStatic, startReceiver } from './harness.mjs';
import { join } from 'node:path';

const SPANS = 600;
const env = {};
before(async () => {
  env.receiver = await startReceiver();
  env.site = await serveStatic(join(ROOT, 'tests/e2e/page/dist'));
});
after(async () => {
  await env.site?.close();
  await env.receiver?.stop();
});

for (const name of ['chromium', 'firefox']) {
  test(`${name}: a ${SPANS}-span uncompressed request over 64 KiB arrives whole`, async () => {
    await env.receiver.reset();
    const browser = await launchNamedBrowser(name);
    try {
      const { page, consoleMessages, pageErrors } = await openPage(browser, env.site.url);
      const stats = await page.evaluate(
        async ([endpoint, n]) => {
          const telemetry = await window.__gwt.initTelemetry({
            endpoint,
            serviceName: 'large-body',
            compression: 'none',
            batch: { maxExportBatchSize: n, maxQueueSize: n, scheduledDelayMillis: 60000 },
          });
          // Distinct values (no two alike), so a shifted or truncated body cannot decode as the same spans.
          for (let i = 0; i < n; i++) telemetry.tracer.startSpan(`large ${i}`, { attributes: { blob: `${i}:${'abcdefghij'.repeat(15)}:${i * 7919}` } }).end();
          await telemetry.forceFlush();
          return telemetry.stats();
        },
        [env.receiver.url, SPANS],
      );
      assert.deepEqual(pageErrors, []);
      assert.deepEqual(sdkWarnings(consoleMessages), []);
      assert.equal(stats.spansExported, SPANS);
      const requests = (await env.receiver.requests()).filter((r) => r.signal === 'traces');
      assert.equal(requests.length, 1, JSON.stringify(requests.map((r) => [r.status, r.span_count, r.body_bytes])));
      assert.equal(requests[0].status, 200);
      assert.equal(requests[0].span_count, SPANS);
      assert.equal(requests[0].content_encoding, null);
      assert.ok(requests[0].body_bytes > 64 * 1024, `${requests[0].body_bytes} bytes`);
      assert.match(requests[0].content_type, /^application\/x-protobuf/);
      const spans = await env.receiver.spans();
      assert.equal(spans.length, SPANS);
      const byName = new Map(spans.map((s) => [s.name, s]));
      for (let i = 0; i < SPANS; i++) {
        assert.deepEqual(byName.get(`large ${i}`)?.attributes?.blob, { type: 'string', value: `${i}:${'abcdefghij'.repeat(15)}:${i * 7919}` }, `span ${i}`);
      }
    } finally {
      await browser.close();
    }
  });
}
