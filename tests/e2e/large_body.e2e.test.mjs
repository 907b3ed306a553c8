// Large uncompressed exports (over 64 KiB: the transport hands them to fetch as a Blob, see
// js/export/fetch_transport.ts) arrive intact in Chromium and Firefox ESR: the protobuf content
// type, every span with its attribute as recorded, as the receiver decodes them. A batch too big
// for keepalive goes while visible as a keepalive head (at most 60 KiB) and the rest as one
// plain request (js/export/sender.ts), so the rest is the request over 64 KiB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchNamedBrowser, openPage, sdkWarnings } from './harness.mjs';
import { useReceiverAndSite } from './receiver_site.mjs';

const SPANS = 1000;
const env = useReceiverAndSite();

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
      const shown = JSON.stringify(requests.map((r) => [r.status, r.span_count, r.body_bytes]));
      assert.equal(requests.length, 2, `a keepalive head and the plain rest: ${shown}`);
      assert.equal(requests.reduce((n, r) => n + r.span_count, 0), SPANS, shown);
      const large = requests.filter((r) => r.body_bytes > 64 * 1024);
      assert.equal(large.length, 1, `one request over 64 KiB: ${shown}`);
      for (const r of requests) {
        assert.equal(r.status, 200);
        assert.equal(r.content_encoding, null);
        assert.match(r.content_type, /^application\/x-protobuf/);
      }
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
