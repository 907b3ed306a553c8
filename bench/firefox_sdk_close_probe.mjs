// Probe (issue 10, the last word in Firefox): what the SDK's page does while Firefox closes it.
// The test page (tests/e2e/page/dist) records a small tail (20 spans, 5 log records) and is
// closed at once, as unload.e2e's small-tail test does; a wrapper installed before any script
// reports every fetch to the receiver (URL path, keepalive, body size, settled how) and the
// page-hide events over a BroadcastChannel to a sibling tab of the same origin, which keeps
// them. Per close: what the page started, and what the receiver (hold mode, 1.5 s) counted.
// `nocancel`: Firefox runs with dom.ipc.cancel_content_js_when_navigating = false (it then does
// not interrupt a page's running script when the page is navigated away from or closed).
// Run after node tests/e2e/build-page.mjs: node bench/firefox_sdk_close_probe.mjs [closes=16] [nocancel]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { FIREFOX, ROOT, serveStatic, startReceiver, waitForPageFunction } from '../tests/e2e/harness.mjs';

const CLOSES = Number(process.argv[2] ?? 16);
const NO_CANCEL = process.argv[3] === 'nocancel';
const HOLD_MS = 1500;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const receiver = await startReceiver();
const site = await serveStatic(join(ROOT, 'tests/e2e/page/dist'));
const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath: FIREFOX,
  headless: true,
  userDataDir: mkdtempSync(join(tmpdir(), 'gwt-firefox-')),
  extraPrefsFirefox: {
    'datareporting.policy.dataSubmissionEnabled': false,
    'app.update.enabled': false,
    'browser.shell.checkDefaultBrowser': false,
    ...(NO_CANCEL ? { 'dom.ipc.cancel_content_js_when_navigating': false } : {}),
  },
});
const watcher = await browser.newPage();
await watcher.goto(site.url);
await watcher.evaluate(() => {
  window.__msgs = [];
  new BroadcastChannel('probe').onmessage = (e) => window.__msgs.push(e.data);
});
const lost = { spans: 0, logs: 0 };
for (let run = 1; run <= CLOSES; run++) {
  await receiver.reset();
  await receiver.hold(HOLD_MS);
  await watcher.evaluate(() => (window.__msgs = []));
  const service = `sdk-probe-${run}`;
  const page = await browser.newPage();
  await page.evaluateOnNewDocument(() => {
    const channel = new BroadcastChannel('probe');
    const t0 = performance.now();
    const say = (what) => channel.postMessage(`${(performance.now() - t0).toFixed(1)} ${what}`);
    const nativeFetch = window.fetch;
    window.fetch = function (url, init) {
      const path = String(url).replace(/^https?:\/\/[^/]+/, '');
      if (!path.startsWith('/v1/otlp')) return nativeFetch.call(this, url, init);
      const size = init?.body?.byteLength ?? init?.body?.size ?? 0;
      say(`fetch ${path.split('/').pop()} keepalive=${init?.keepalive} ${size} B visibility=${document.visibilityState}`);
      const p = nativeFetch.call(this, url, init);
      p.then((r) => say(`answer ${path.split('/').pop()} ${r.status}`), (e) => say(`failed ${path.split('/').pop()} ${e?.name}`));
      return p;
    };
    addEventListener('pagehide', () => say(`pagehide visibility=${document.visibilityState}`), true);
    document.addEventListener('visibilitychange', () => say(`visibilitychange ${document.visibilityState}`), true);
    addEventListener('pagehide', () => say('pagehide end'));
    document.addEventListener('visibilitychange', () => say('visibilitychange end'));
  });
  await page.goto(site.url);
  await waitForPageFunction(page, () => window.__gwt !== undefined, null);
  await page.evaluate(async (cfg) => {
    window.__t = await window.__gwt.initTelemetry(cfg);
  }, { endpoint: receiver.url, serviceName: service, rum: false });
  await sleep(300);
  await page.evaluate(() => {
    const tracer = window.__t.getTracer('probe');
    const logger = window.__t.getLogger('probe');
    for (let i = 0; i < 20; i++) tracer.startSpan(`tail ${i}`).end();
    for (let i = 0; i < 5; i++) logger.emit({ body: `tail log ${i}` });
  });
  await page.close({ runBeforeUnload: true });
  await sleep(HOLD_MS + 1000);
  const spans = (await receiver.spans()).filter((s) => s.service_name === service).length;
  const logs = (await receiver.logs()).filter((l) => l.service_name === service).length;
  const abandoned = (await receiver.abandoned()).length;
  await receiver.hold(0);
  const msgs = await watcher.evaluate(() => window.__msgs);
  if (spans < 20) lost.spans++;
  if (logs < 5) lost.logs++;
  console.log(`close ${run}: received ${spans} spans, ${logs} logs, abandoned ${abandoned}${spans < 20 || logs < 5 ? '  <-- LOST' : ''}\n   ${msgs.join('\n   ')}`);
}
console.log(`[sdk probe] firefox${NO_CANCEL ? ' (cancel_content_js_when_navigating off)' : ''}, ${CLOSES} closes: spans lost in ${lost.spans}, logs lost in ${lost.logs}`);
await browser.close();
await site.close();
await receiver.stop();
