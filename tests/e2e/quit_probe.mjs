// A measurement, not a test (the README's Firefox section quotes it): what arrives when the
// browser quits right after the last tab closes, or quits without closing it, with 30 small
// spans queued (sent with keepalive at hide, not stored), and what the next launch of the same
// profile restores; a 200 ms pause between the close and the quit is the control.
// Run after scripts/build-package.sh and build-page.mjs: `node tests/e2e/quit_probe.mjs`.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { CHROMIUM, FIREFOX, ROOT, openPage, serveStatic, startReceiver } from './harness.mjs';

const receiver = await startReceiver();
const site = await serveStatic(join(ROOT, 'tests/e2e/page/dist'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Launches `name` on the profile in `dir` (kept, so the next launch sees its IndexedDB). */
async function launch(name, dir) {
  if (name === 'firefox') {
    const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, userDataDir: dir });
    return { newPage: () => browser.newPage(), close: () => browser.close() };
  }
  return chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
}

for (const name of ['chromium', 'firefox']) {
  for (const how of ['quit', 'close tab, quit', 'close tab, 200 ms, quit']) {
    await receiver.reset();
    const service = `quit-${name}-${how.replace(/\W+/g, '-')}`;
    const config = { endpoint: receiver.url, serviceName: service, batch: { scheduledDelayMillis: 60000 } };
    const dir = mkdtempSync(join(tmpdir(), 'gwt-quit-'));
    let browser = await launch(name, dir);
    let { page } = await openPage(browser, site.url);
    await page.evaluate(async (cfg) => {
      window.__t = await window.__gwt.initTelemetry(cfg);
      for (let i = 0; i < 30; i++) window.__t.tracer.startSpan(`q ${i}`, { attributes: { blob: crypto.randomUUID().repeat(3) } }).end();
    }, config);
    await sleep(300); // the offline store opens in the background at init
    if (how.startsWith('close tab')) await page.close({ runBeforeUnload: true });
    if (how.includes('200 ms')) await sleep(200);
    await browser.close();
    await sleep(2500);
    const atQuit = (await receiver.spans()).filter((s) => s.service_name === service).length;
    browser = await launch(name, dir);
    ({ page } = await openPage(browser, site.url));
    await page.evaluate(async (cfg) => {
      window.__t = await window.__gwt.initTelemetry(cfg);
    }, config);
    await sleep(2000);
    const restored = (await page.evaluate(() => window.__t.stats())).itemsRestoredFromOffline;
    const all = (await receiver.spans()).filter((s) => s.service_name === service);
    console.log(`${name}, ${how}: 30 spans, received at quit ${atQuit}, restored on the next launch ${restored}, received ${all.length} (${new Set(all.map((s) => s.span_id)).size} distinct)`);
    await browser.close();
  }
}
await site.close();
await receiver.stop();
