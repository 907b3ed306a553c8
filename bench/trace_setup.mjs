// Where setup's time goes: a Chromium trace (CDP Tracing) of `startTelemetry` until `ready` in
// fresh pages of the speed benchmark's page; prints the main thread's time by trace event name
// (tasks, microtasks, compiling, module evaluation; nested events counted apart), medians over
// BENCH_RUNS pages. BENCH_EVENTS=1 also prints each page's timeline: the main thread's events
// over 0.1 ms and the chunk requests' network events (sent, response, finished), in ms from the
// call. Tracing slows the page (about +5 ms). Run after scripts/build-package.sh.
import { launchBrowser, serveStatic, startReceiver } from '../tests/e2e/harness.mjs';
import { buildBenchPage } from './bench_page.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 5);
const receiver = await startReceiver(['--quiet']);
// BENCH_CACHE=1: cacheable chunks, and each traced page follows two that ran setup (a returning
// visitor: chunks from the browser's cache, compiled code from V8's code cache).
const CACHE = process.env.BENCH_CACHE === '1';
const site = await serveStatic(await buildBenchPage('bench-trace-setup', 'speed.page.js', { minify: process.env.BENCH_MINIFY !== '0' }), 0, CACHE ? { 'cache-control': 'max-age=3600' } : {});
const browser = await launchBrowser();
const CATEGORIES = ['devtools.timeline', 'v8', 'v8.execute', 'disabled-by-default-v8.compile', 'blink.user_timing', 'loading', 'disabled-by-default-devtools.timeline'];
const perRun = [];
try {
  for (let i = 0; i < RUNS; i++) {
    for (let w = 0; CACHE && w < 2; w++) {
      const warm = await browser.newPage();
      await warm.goto(site.url);
      await warm.waitForFunction(() => typeof window.runSetup === 'function');
      await warm.evaluate((e) => window.runSetup('ours', e), receiver.url);
      await warm.close();
    }
    const page = await browser.newPage();
    await page.goto(site.url);
    await page.waitForFunction(() => typeof window.runSetup === 'function');
    await new Promise((r) => setTimeout(r, 300));
    const cdp = await browser.newCDPSession(page);
    const events = [];
    cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
    const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
    await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES }, transferMode: 'ReportEvents' });
    const out = await page.evaluate(async (e) => {
      performance.mark('setup-start');
      const r = await window.runSetup('ours', e);
      return r;
    }, receiver.url);
    await cdp.send('Tracing.end');
    await done;
    await page.close();
    const start = events.find((e) => e.name === 'setup-start');
    const mainPid = start.pid;
    const mainTid = start.tid;
    const t0 = start.ts;
    const t1 = t0 + out.readyMs * 1000;
    const sums = new Map();
    const add = (k, us) => sums.set(k, (sums.get(k) ?? 0) + us);
    // Complete events ('X') on the main thread, inside [t0, t1], by name; nested ones apart.
    const main = events.filter((e) => e.pid === mainPid && e.tid === mainTid && e.ph === 'X' && e.ts >= t0 - 1 && e.ts <= t1);
    for (const e of main) {
      const label = e.name + (e.args?.data?.url ? ` ${String(e.args.data.url).replace(/^.*\//, '').replace(/-[A-Z0-9]{8}\.js/, '.js')}` : e.args?.fileName ? ` ${String(e.args.fileName).replace(/^.*\//, '').replace(/-[A-Z0-9]{8}\.js/, '.js')}` : '');
      add(label, e.dur ?? 0);
    }
    const lines = [...sums].sort((a, b) => b[1] - a[1]).slice(0, 40);
    perRun.push({ readyMs: out.readyMs, lines });
    if (process.env.BENCH_EVENTS) {
      for (const e of main.sort((a, b) => a.ts - b.ts)) if ((e.dur ?? 0) > 100) console.log(`${((e.ts - t0) / 1000).toFixed(2).padStart(7)} +${((e.dur ?? 0) / 1000).toFixed(2)} ${e.name} ${e.args?.data?.url ?? e.args?.fileName ?? e.args?.data?.functionName ?? ''}`);
      for (const e of events.filter((x) => /^Resource|^ParseAuthorStyleSheet|^EventDispatch|ScheduleStyle/.test(x.name) && x.ts >= t0 - 1 && x.ts <= t1).sort((a, b) => a.ts - b.ts))
        console.log(`${((e.ts - t0) / 1000).toFixed(2).padStart(7)} ${e.name} ${String(e.args?.data?.url ?? e.args?.data?.requestId ?? '').replace(/^.*\//, '')}`);
      console.log('---');
    }
  }
} finally {
  await browser.close();
  await site.close();
  await receiver.stop();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`until ready: ${perRun.map((r) => r.readyMs.toFixed(1)).join(', ')} ms`);
const keys = new Set(perRun.flatMap((r) => r.lines.map(([k]) => k)));
const rows = [...keys].map((k) => [k, median(perRun.map((r) => r.lines.find(([x]) => x === k)?.[1] ?? 0))]).sort((a, b) => b[1] - a[1]).slice(0, 35);
for (const [k, us] of rows) console.log(`  ${(us / 1000).toFixed(2).padStart(7)} ms  ${k}`);
