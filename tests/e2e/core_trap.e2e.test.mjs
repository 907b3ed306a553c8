// The WASM core trapping in a real page, Chromium and Firefox: its linear memory is grown to the
// wasm32 maximum from outside (captured as the loader instantiates it), so the core's next
// allocation fails and it traps (the release module is built with `-Cpanic=immediate-abort`:
// a panic is a bare `unreachable`, whose message differs by engine). Telemetry must stop with
// one warning, the app must see nothing, and nothing more is sent. (In Node, with the panic
// path pinned down: tests/js/core_panic.test.mjs; failures to load: wasm_failure.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchNamedBrowser, sdkWarnings, waitForPageFunction } from './harness.mjs';
import { useReceiverAndSite } from './receiver_site.mjs';

const env = useReceiverAndSite();

/** Keeps the core's memory where the page can reach it: the loader calls WebAssembly.instantiate. */
function captureCoreMemory() {
  const instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = async function (...args) {
    const result = await instantiate.apply(this, args);
    window.__coreMemory = (result.instance ?? result).exports.memory;
    return result;
  };
}

/** The test page, with captureCoreMemory run before its scripts; console and page errors recorded. */
async function openCapturing(browser, name) {
  const page = await browser.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await (name === 'firefox' ? page.evaluateOnNewDocument(captureCoreMemory) : page.addInitScript(captureCoreMemory));
  await page.goto(env.site.url);
  await waitForPageFunction(page, () => window.__gwt !== undefined, null);
  return { page, consoleMessages, pageErrors };
}

for (const name of ['chromium', 'firefox']) {
  test(`${name}: the core trapping (out of memory) stops telemetry with one warning, the app unaffected, nothing more sent`, async () => {
    await env.receiver.reset();
    const browser = await launchNamedBrowser(name);
    try {
      const { page: p, consoleMessages, pageErrors } = await openCapturing(browser, name);
      const out = await p.evaluate(async (endpoint) => {
        const t = await window.__gwt.initTelemetry({ endpoint, serviceName: 'core-trap', rum: false, batch: { scheduledDelayMillis: 100 } });
        t.tracer.startSpan('before').end();
        await t.forceFlush();
        const exportedBefore = t.stats().spansExported;
        const memory = window.__coreMemory;
        const pagesBefore = memory.buffer.byteLength / 65536;
        for (let pages = 32768; pages >= 1; pages >>= 1) {
          try {
            memory.grow(pages);
          } catch {
            // more than is left: try half as much
          }
        }
        const pagesAfter = memory.buffer.byteLength / 65536;
        // About 1.6 MB of spans: the core must grow its memory to take them, and cannot.
        for (let i = 0; i < 200; i++) t.tracer.startSpan('big', { attributes: { payload: 'x'.repeat(8000), i } }).end();
        await t.forceFlush();
        const ran = t.tracer.startActiveSpan('app code', () => 'ran');
        const recording = t.tracer.startSpan('after').isRecording();
        t.meter.createCounter('c').add(1);
        t.logger.emit({ body: 'not sent' });
        await t.forceFlush();
        await t.shutdown();
        return { pagesBefore, pagesAfter, ran, recording, exportedBefore };
      }, env.receiver.url);
      assert.ok(out.pagesAfter > out.pagesBefore + 16, `memory grown from outside: ${out.pagesBefore} → ${out.pagesAfter} pages`);
      assert.equal(out.ran, 'ran');
      assert.equal(out.recording, false, 'telemetry is off for the page');
      assert.equal(out.exportedBefore, 1);
      assert.deepEqual(pageErrors, []);
      const warnings = sdkWarnings(consoleMessages);
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0], /telemetry stopped after an internal error in the WASM core: RuntimeError: unreachable/);
      await new Promise((r) => setTimeout(r, 300)); // past the batch delay: still nothing more
      const requests = await env.receiver.requests();
      assert.deepEqual(requests.map((r) => [r.signal, r.span_count]), [['traces', 1]]);
      await p.close();
    } finally {
      await browser.close();
    }
  });
}
