// `import 'greptime-web-telemetry/eager'` (js/eager/index.ts), from the packed tarball: the core
// is in the page's own files and prepared as it loads, so `initTelemetry` fetches no chunk
// (with `rum: false`: the browser signals stay lazily loaded) and what it records arrives,
// decoded by the receiver (Chromium and Firefox); a `wasmUrl` set as well is not fetched, with
// one warning that says why (Chromium).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, launchNamedBrowser, serveBundledPage, startReceiver, sdkWarnings, waitForPageFunction } from './harness.mjs';

for (const name of ['chromium', 'firefox']) {
  test(`${name}: with /eager, initTelemetry loads no chunk and its spans arrive`, async () => {
    const served = await serveBundledPage(join(ROOT, 'tests/e2e/page/eager.src.js'));
    const receiver = await startReceiver();
    const browser = await launchNamedBrowser(name);
    try {
      const page = await browser.newPage();
      const consoleMessages = [];
      page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
      await page.goto(served.site);
      await waitForPageFunction(page, () => window.__gwt !== undefined, null);
      const out = await page.evaluate(async (endpoint) => {
        const scriptsBefore = performance.getEntriesByType('resource').filter((e) => e.initiatorType === 'script' || e.name.endsWith('.js')).length;
        const t = await window.__gwt.initTelemetry({ endpoint, serviceName: 'eager', rum: false, batch: { scheduledDelayMillis: 100 } });
        for (let i = 0; i < 3; i++) t.tracer.startSpan(`eager-${i}`).end();
        await t.forceFlush();
        const scriptsAfter = performance.getEntriesByType('resource').filter((e) => e.initiatorType === 'script' || e.name.endsWith('.js')).map((e) => e.name);
        return { enabled: t.enabled, exported: t.stats().spansExported, scriptsBefore, scriptsAfter };
      }, receiver.url);
      assert.equal(out.enabled, true);
      assert.equal(out.exported, 3);
      assert.equal(out.scriptsAfter.length, out.scriptsBefore, `initTelemetry fetched scripts: ${out.scriptsAfter.slice(out.scriptsBefore).join(', ')}`);
      const spans = (await receiver.spans()).filter((s) => s.service_name === 'eager');
      assert.deepEqual(spans.map((s) => s.name).sort(), ['eager-0', 'eager-1', 'eager-2']);
      assert.deepEqual(sdkWarnings(consoleMessages), []);
    } finally {
      await browser.close();
      await receiver.stop();
      await served.close();
    }
  });
}

test('chromium: with /eager, a wasmUrl is ignored with one warning, and telemetry works', async () => {
  const served = await serveBundledPage(join(ROOT, 'tests/e2e/page/eager.src.js'));
  const receiver = await startReceiver();
  const browser = await launchNamedBrowser('chromium');
  try {
    const page = await browser.newPage();
    const consoleMessages = [];
    page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
    const requested = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(served.site);
    await waitForPageFunction(page, () => window.__gwt !== undefined, null);
    const out = await page.evaluate(async (endpoint) => {
      const t = await window.__gwt.initTelemetry({ endpoint, serviceName: 'eager-url', rum: false, wasmUrl: '/core.wasm', batch: { scheduledDelayMillis: 100 } });
      t.tracer.startSpan('with-url').end();
      await t.forceFlush();
      return { enabled: t.enabled, exported: t.stats().spansExported };
    }, receiver.url);
    assert.deepEqual(out, { enabled: true, exported: 1 });
    assert.deepEqual(requested.filter((u) => u.endsWith('/core.wasm')), []);
    const warnings = sdkWarnings(consoleMessages);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /`wasmUrl` \/core\.wasm ignored: the WASM core is already loaded from the inlined module/);
  } finally {
    await browser.close();
    await receiver.stop();
    await served.close();
  }
});
