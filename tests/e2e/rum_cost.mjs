// Measures the main-thread cost of each browser signal (`rum`) on a page load in headless
// Chromium, for the README: not a test (run by hand after `node tests/e2e/build-page.mjs`):
//   node tests/e2e/rum_cost.mjs [runs]
//
// Each run opens the e2e test page, starts Chromium's sampling CPU profiler (50 µs), starts
// telemetry with every signal of this branch on (resource timing included), makes one pushState
// navigation and waits for the page load trace to be recorded. A sample counts for a signal when
// its stack holds a frame of that signal's chunk (rum-*.js: the loader and sessions;
// document_load-*.js; navigation-*.js), so the SDK code a signal calls (startSpan, emit) counts
// for it too. Separately, the per-record cost of sessions: 5000 spans ended with and without
// sessions, the median of 7 rounds each.

import { startReceiver, serveStatic, launchBrowser, ROOT } from './harness.mjs';
import { join } from 'node:path';

const RUNS = Number(process.argv[2] ?? 15);
const receiver = await startReceiver();
const site = await serveStatic(join(ROOT, 'tests/e2e/page/dist'));
const browser = await launchBrowser();
const SIGNALS = { 'rum-': 'loader + session', 'document_load-': 'documentLoad (+ resourceTiming)', 'navigation-': 'navigation' };
const totals = Object.fromEntries(Object.values(SIGNALS).map((s) => [s, []]));

for (let run = 0; run < RUNS; run++) {
  const page = await browser.newPage();
  await page.goto(`${site.url}/`);
  await page.waitForFunction(() => window.__gwt !== undefined);
  await page.evaluate(() => localStorage.clear());
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  await page.evaluate(async (endpoint) => {
    window.__t = await window.__gwt.initTelemetry({ endpoint, serviceName: 'rum-cost', rum: { resourceTiming: true } });
    await new Promise((r) => setTimeout(r, 300));
    history.pushState({}, '', '/next?q=1');
    await new Promise((r) => setTimeout(r, 300));
  }, receiver.url);
  const { profile } = await cdp.send('Profiler.stop');
  const parent = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const spent = Object.fromEntries(Object.values(SIGNALS).map((s) => [s, 0]));
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i + 1] ?? 0;
    for (let node = id; node !== undefined; node = parent.get(node)) {
      const file = byId.get(node).callFrame.url.split('/').pop();
      const signal = Object.entries(SIGNALS).find(([prefix]) => file.startsWith(prefix))?.[1];
      if (signal) {
        spent[signal] += micros;
        break;
      }
    }
  });
  for (const [signal, micros] of Object.entries(spent)) totals[signal].push(micros / 1000);
  await page.close();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`main-thread time per page load in frames of each signal's chunk (${RUNS} runs, ms): median / max`);
for (const [signal, xs] of Object.entries(totals)) console.log(`  ${signal.padEnd(32)} ${median(xs).toFixed(2)} / ${Math.max(...xs).toFixed(2)}`);

// Per record: sessions stamp session.id on every span and log record.
const page = await browser.newPage();
await page.goto(`${site.url}/`);
await page.waitForFunction(() => window.__gwt !== undefined);
const perSpan = await page.evaluate(async (endpoint) => {
  const round = async (rum) => {
    const t = await window.__gwt.initTelemetry({ endpoint, serviceName: 'rum-cost', rum, batch: { maxQueueSize: 100000, maxExportBatchSize: 100000, scheduledDelayMillis: 600000 } });
    const tracer = t.getTracer('cost');
    const t0 = performance.now();
    for (let i = 0; i < 5000; i++) tracer.startSpan('s').end();
    const ms = performance.now() - t0;
    await t.shutdown();
    return ms;
  };
  const off = [];
  const on = [];
  for (let i = 0; i < 7; i++) {
    off.push(await round(false));
    on.push(await round({ documentLoad: false, navigation: false }));
  }
  return { off, on };
}, receiver.url);
const us = (xs) => ((median(xs) / 5000) * 1000).toFixed(2);
console.log(`span start+end, 5000 spans, median of 7: ${us(perSpan.off)} µs without sessions, ${us(perSpan.on)} µs with (session.id stamped)`);

await browser.close();
await site.close();
await receiver.stop();
